using System.Text.Json;
using Vigil.Core.Alerts;

namespace Vigil.Postgres;

/// <summary>The JSON shapes Vigil keeps in jsonb columns (escalation plans and policy levels, overrides, matchers).</summary>
internal static class PgJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Plan(EscalationPlan plan) => JsonSerializer.Serialize(plan, Options);

    public static EscalationPlan? ReadPlan(string? json) => json is null ? null : JsonSerializer.Deserialize<EscalationPlan>(json, Options);
}
