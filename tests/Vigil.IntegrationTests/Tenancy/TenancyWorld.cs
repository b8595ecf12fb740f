using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests.Tenancy;

/// <summary>
/// One local host over a fresh schema with the same objects in three scopes — global, acme's and
/// globex's: budgets, batch jobs with runs, alert rules, SLA targets, API keys, alerts and events,
/// each carrying its scope's marker (<see cref="Scopes.Secret"/>). The matrix creates a fresh object
/// per case (unique names), so cases neither depend on nor disturb each other.
/// </summary>
public sealed class TenancyWorld : IAsyncLifetime
{
    private int _sequence;

    public VigilApp App { get; private set; } = null!;

    /// <summary>The seeded admin key: sets up and inspects objects in any scope.</summary>
    public HttpClient Admin { get; private set; } = null!;

    public Dictionary<Binding, HttpClient> Keys { get; } = [];

    public async Task InitializeAsync()
    {
        // Every acknowledge-link case comes from one address; the limiter has its own test.
        App = await VigilApp.StartAsync(new Dictionary<string, string?> { ["Vigil:Alerting:AckLinkRequestsPerMinute"] = "100000" });
        Admin = App.AdminClient();
        foreach (var binding in Enum.GetValues<Binding>())
        {
            var scope = Scopes.Of(binding);
            var created = await PostAsync("/api/keys", new { name = $"matrix {Scopes.Secret(scope)}", role = "admin", tenant_id = scope });
            Keys[binding] = App.Client(created.GetProperty("key").GetString()!);
        }
        var now = DateTimeOffset.UtcNow;
        foreach (var scope in Scopes.All)
        {
            await CreateBudgetAsync(scope);
            var job = await CreateJobAsync(scope);
            await StartRunAsync(scope, job);
            await CreateRuleAsync(scope);
            await CreateTargetAsync(scope);
            await CreateAlertAsync(scope);
            await CreateKeyAsync(scope);
            await CreatePolicyAsync(scope);
            await CreatePersonAsync(scope);
            await CreateScheduleAsync(scope);
            await CreateSilenceAsync(scope);
            var tenant = Scopes.EventTenant(scope);
            var bot = $"{Scopes.Secret(scope)}-bot";
            await Traffic.PostAllAsync(Admin, [
                Events.LlmCall($"{tenant}-1", now.AddSeconds(-5), bot: bot, tenant: tenant),
                Events.BotInteraction($"{tenant}-2", now.AddSeconds(-4), bot: bot, tenant: tenant),
                new()
                {
                    ["event_id"] = $"{tenant}-3", ["type"] = "message", ["timestamp"] = Events.Ts(now.AddSeconds(-3)), ["bot"] = bot,
                    ["tenant_id"] = tenant, ["conversation_id"] = Conversation, ["role"] = "user", ["text"] = "hello, thanks",
                },
            ]);
        }
        await App.RunFunctionAsync("ComputeRollups");
        await App.RunFunctionAsync("AnalyzeConversations");
    }

    /// <summary>The conversation id every scope's tenant has a message in (so only the tenant tells them apart).</summary>
    public const string Conversation = "matrix-conversation";

    public async Task DisposeAsync()
    {
        foreach (var client in Keys.Values) client.Dispose();
        Admin.Dispose();
        await App.DisposeAsync();
    }

    public string NextName(string prefix) => $"{prefix}{Interlocked.Increment(ref _sequence)}";

    /// <summary>"?tenant_id=acme", or "" for the global scope.</summary>
    public static string Query(string? scope, char separator = '?') => scope is null ? "" : $"{separator}tenant_id={scope}";

    public async Task<string> CreateBudgetAsync(string? scope)
    {
        var name = NextName("budget-");
        await PutAsync($"/api/budgets/{name}{Query(scope)}", BudgetBody(scope, null));
        return name;
    }

    public static object BudgetBody(string? marker, string? tenant) =>
        tenant is null
            ? new { amount_usd = 1_000_000, filters = new { model = Scopes.Secret(marker) }, batch_jobs = Array.Empty<string>() }
            : new { amount_usd = 1_000_000, filters = new { model = Scopes.Secret(marker) }, batch_jobs = Array.Empty<string>(), tenant_id = tenant };

    public async Task<string> CreateJobAsync(string? scope)
    {
        var name = NextName("job-");
        await PutAsync($"/api/batch-jobs/{name}{Query(scope)}", JobBody(scope, null));
        return name;
    }

    public static object JobBody(string? marker, string? tenant) =>
        tenant is null ? new { description = Scopes.Secret(marker) } : new { description = Scopes.Secret(marker), tenant_id = tenant };

    public async Task<string> StartRunAsync(string? scope, string job)
    {
        var response = await Admin.PostAsync($"/api/batch-jobs/{job}/runs{Query(scope)}", VigilApp.Json("{}"));
        var body = await Ensure(response);
        return body.GetProperty("run_id").GetString()!;
    }

    /// <summary>A job with one running run: "job/run".</summary>
    public async Task<string> CreateRunAsync(string? scope)
    {
        var job = await CreateJobAsync(scope);
        return $"{job}/{await StartRunAsync(scope, job)}";
    }

    public async Task<string> CreateRuleAsync(string? scope)
    {
        var name = NextName("rule-");
        await PutAsync($"/api/alert-rules/{name}{Query(scope)}", RuleBody(scope, null));
        return name;
    }

    public static object RuleBody(string? marker, string? tenant) => new Dictionary<string, object?>
    {
        ["description"] = Scopes.Secret(marker),
        ["metric"] = "error_rate",
        ["group_by"] = new[] { "bot" },
        ["comparator"] = ">",
        ["threshold"] = 0.5,
        ["severity"] = "info",
        ["tenant_id"] = tenant,
    }.Where(p => p.Value is not null).ToDictionary();

    /// <summary>An SLA target: "bot/operation".</summary>
    public async Task<string> CreateTargetAsync(string? scope)
    {
        var bot = NextName("bot-");
        await PutAsync($"/api/sla-targets/{bot}/answer{Query(scope)}", TargetBody(null));
        return $"{bot}/answer";
    }

    public static object TargetBody(string? tenant) =>
        tenant is null
            ? new { p50_ms = 100, p95_ms = 200, p99_ms = 300 }
            : new { p50_ms = 100, p95_ms = 200, p99_ms = 300, tenant_id = tenant };

    /// <summary>An unrevoked read key of the scope: its id.</summary>
    public async Task<string> CreateKeyAsync(string? scope)
    {
        var created = await PostAsync("/api/keys", new { name = $"reader {Scopes.Secret(scope)}", role = "read", tenant_id = scope });
        return created.GetProperty("id").GetString()!;
    }

    /// <summary>A firing alert about the scope's data (written as the evaluator writes one): its id.</summary>
    public async Task<string> CreateAlertAsync(string? scope)
    {
        var id = Guid.CreateVersion7();
        var group = JsonSerializer.Serialize(new Dictionary<string, string> { ["bot"] = $"{Scopes.Secret(scope)}-bot" });
        await App.ExecuteAsync("""
            INSERT INTO alerts (id, rule_name, group_key, group_json, severity, state, value, threshold, started_at, fired_at,
                description, rule_tenant_id, tenant_id)
            VALUES ($1, $2, $3, $4::jsonb, 'warning', 'firing', 1, 0.5, now(), now(), $5, $6::text, $6::text)
            """, id, NextName("rule-"), $"bot={Scopes.Secret(scope)}-bot", group, Scopes.Secret(scope), (object?)scope ?? DBNull.Value);
        return id.ToString();
    }

    public async Task<string> CreatePolicyAsync(string? scope)
    {
        var name = NextName("policy-");
        await PutAsync($"/api/escalation-policies/{name}{Query(scope)}", PolicyBody(scope, null));
        return name;
    }

    public static object PolicyBody(string? marker, string? tenant) => new Dictionary<string, object?>
    {
        ["description"] = Scopes.Secret(marker),
        ["levels"] = new[] { new { after = "0m", channels = new[] { "rule" } } },
        ["tenant_id"] = tenant,
    }.Where(p => p.Value is not null).ToDictionary();

    public async Task<string> CreatePersonAsync(string? scope)
    {
        var id = NextName("person-");
        await PutAsync($"/api/people/{id}{Query(scope)}", PersonBody(scope, null));
        return id;
    }

    public static object PersonBody(string? marker, string? tenant) => new Dictionary<string, object?>
    {
        ["name"] = Scopes.Secret(marker),
        ["email"] = $"{Scopes.Secret(marker)}@example.com",
        ["tenant_id"] = tenant,
    }.Where(p => p.Value is not null).ToDictionary();

    /// <summary>A schedule rotating <see cref="OnCallPerson"/>, which every scope's schedules may name.</summary>
    public async Task<string> CreateScheduleAsync(string? scope)
    {
        var name = NextName("schedule-");
        await PutAsync($"/api/people/{OnCallPerson}", PersonBody(null, null));
        await PutAsync($"/api/schedules/{name}{Query(scope)}", ScheduleBody(OnCallPerson, null));
        return name;
    }

    /// <summary>A global person: schedules of any scope may name global people.</summary>
    public const string OnCallPerson = "matrix-oncall";

    public static object ScheduleBody(string person, string? tenant) => new Dictionary<string, object?>
    {
        ["timezone"] = "Europe/Berlin",
        ["rotation"] = "weekly",
        ["handoff"] = "mon 09:00",
        ["participants"] = new[] { person },
        ["tenant_id"] = tenant,
    }.Where(p => p.Value is not null).ToDictionary();

    /// <summary>A silence of the scope (created as the admin): its id.</summary>
    public async Task<string> CreateSilenceAsync(string? scope)
    {
        var created = await PostAsync($"/api/silences{Query(scope)}", SilenceBody(scope, null));
        return created.GetProperty("id").GetString()!;
    }

    public static object SilenceBody(string? marker, string? tenant) => new Dictionary<string, object?>
    {
        ["matchers"] = new Dictionary<string, string> { ["rule"] = $"{Scopes.Secret(marker)}-rule" },
        ["ends_at"] = DateTimeOffset.UtcNow.AddHours(1),
        ["comment"] = Scopes.Secret(marker),
        ["created_by"] = "matrix",
        ["tenant_id"] = tenant,
    }.Where(p => p.Value is not null).ToDictionary();

    public async Task<JsonElement> PutAsync(string url, object body) =>
        await Ensure(await Admin.PutAsync(url, VigilApp.Json(JsonSerializer.Serialize(body))));

    public async Task<JsonElement> PostAsync(string url, object body) =>
        await Ensure(await Admin.PostAsync(url, VigilApp.Json(JsonSerializer.Serialize(body))));

    private static async Task<JsonElement> Ensure(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"setup failed: {(int)response.StatusCode} {body}");
        return body;
    }
}
