using System.Globalization;
using System.Text.Json;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>Builds telemetry JSON the way bots send it.</summary>
public static class Events
{
    public static string Ts(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static Dictionary<string, object?> LlmCall(string id, DateTimeOffset at, string bot = "lead_bot", double durationMs = 420, string model = "gpt-4o",
        string? tenant = null, string? operation = "process") => new()
    {
        ["event_id"] = id,
        ["type"] = "llm_call",
        ["timestamp"] = Ts(at),
        ["tenant_id"] = tenant,
        ["bot"] = bot,
        ["operation"] = operation,
        ["model"] = model,
        ["duration_ms"] = durationMs,
        ["input_tokens"] = 1200,
        ["output_tokens"] = 300,
    };

    /// <summary>A bot interaction: the event whose duration an operation's SLA target measures.</summary>
    public static Dictionary<string, object?> BotInteraction(string id, DateTimeOffset at, string bot = "lead_bot", string operation = "process",
        double durationMs = 420, string? tenant = null) => new()
    {
        ["event_id"] = id,
        ["type"] = "bot_interaction",
        ["timestamp"] = Ts(at),
        ["tenant_id"] = tenant,
        ["bot"] = bot,
        ["operation"] = operation,
        ["duration_ms"] = durationMs,
    };

    public static string Batch(IEnumerable<Dictionary<string, object?>> items) =>
        JsonSerializer.Serialize(items.Select(i => i.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value)));

    public static string One(Dictionary<string, object?> item) =>
        JsonSerializer.Serialize(item.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value));
}
