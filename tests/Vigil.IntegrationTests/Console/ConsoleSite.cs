using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests.Console;

/// <summary>
/// The local host as a real process on its own schema, with data for every console page (events
/// rolled up, a firing alert, a rule, a budget at a known percent, a batch job with a run, a
/// conversation), and Debian's Chromium driven by Playwright. Shared by the browser tests of one class.
/// </summary>
public sealed class ConsoleSite : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string Conversation = "conv-console-1";

    public const string WorstConversation = "conv-console-unhappy";
    public const string ResolveRule = "console-resolve";
    public const string SilenceRule = "console-silence";

    private LocalHostProcess.Running? _host;
    private IPlaywright? _playwright;

    public string Url => _host!.Url;
    public string AdminKey { get; } = "admin-" + Guid.NewGuid().ToString("N");
    public string ReadKey { get; private set; } = "";
    public string OperatorKey { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Budget "console-budget": 50 USD with 20 USD spent by its batch job → 40%.</summary>
    public const double BudgetPercent = 40;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: the console tests drive Debian's Chromium (sudo apt-get install -y chromium; ./test does this as root).");
        }
        var connectionString = TestPostgres.NewSchema(out _);
        _host = await LocalHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = connectionString,
            ["VIGIL_ADMIN_KEY"] = AdminKey,
            ["Vigil:LocalHost:TimersEnabled"] = "false",
        });
        using var admin = Client(AdminKey);
        ReadKey = await CreateKeyAsync(admin, "read");
        OperatorKey = await CreateKeyAsync(admin, "operator");

        var now = DateTimeOffset.UtcNow;
        var events = new List<Dictionary<string, object?>>();
        string[] bots = ["lead_bot", "buyer_bot"];
        for (var i = 0; i < 120; i++)
        {
            var e = Events.LlmCall($"c-{i}", now.AddSeconds(-15 * i), bot: bots[i % 2], durationMs: 200 + (i * 7 % 900));
            e["ttft_ms"] = 80 + (i % 50);
            e["cache_hit"] = i % 3 == 0;
            e["cost_usd"] = 0.01;
            e["success"] = i % 10 != 0;
            if (i < 6) e["conversation_id"] = Conversation;
            events.Add(e);
        }
        events.Add(new() { ["event_id"] = "fb-1", ["type"] = "feedback", ["timestamp"] = Events.Ts(now.AddSeconds(-5)), ["bot"] = "buyer_bot",
            ["conversation_id"] = Conversation, ["rating"] = "negative" });
        await PostAsync(admin, "/api/events", Events.Batch(events));

        // A short, unhappy support exchange: the week's worst conversation once scored.
        string[] exchange = ["my order never arrived and I am angry", "Sorry to hear that. Can you share the order number?", "this is terrible, nobody helps", "I understand. Let me check."];
        await PostAsync(admin, "/api/events", Events.Batch(exchange.Select((text, i) => new Dictionary<string, object?>
        {
            ["event_id"] = $"m-{i}", ["type"] = "message", ["timestamp"] = Events.Ts(now.AddSeconds(-40 + (i * 10))), ["bot"] = "support_bot",
            ["conversation_id"] = WorstConversation, ["role"] = i % 2 == 0 ? "user" : "bot", ["text"] = text,
        })));

        await PutAsync(admin, "/api/batch-jobs/nightly-summaries", """{"description":"Summaries of yesterday's conversations"}""");
        await PutAsync(admin, "/api/budgets/console-budget", """
            {"amount_usd":50,"period":"monthly","filters":{"batch_job":"nightly-summaries"},
             "thresholds":[{"percent":50,"actions":["notify:email"]},{"percent":90,"actions":["page"]}],"batch_jobs":["nightly-summaries"]}
            """);
        await PostAsync(admin, "/api/events", Events.One(new()
        {
            ["event_id"] = "batch-1", ["type"] = "llm_call", ["timestamp"] = Events.Ts(now.AddMinutes(-2)), ["bot"] = "summarizer", ["model"] = "gpt-4o",
            ["duration_ms"] = 900, ["cost_usd"] = 20, ["batch_job"] = "nightly-summaries",
        }));
        await PutAsync(admin, "/api/alert-rules/console-traffic", """
            {"description":"Any traffic (fires at once)","metric":"event_count","comparator":">","threshold":0,"window":"15m","for":"0m",
             "min_samples":0,"severity":"critical","cooldown":"5m","channels":[],"group_by":[]}
            """);
        await PutAsync(admin, "/api/alert-rules/slow-replies", """
            {"description":"P95 over 2 s","metric":"latency_p95","comparator":">","threshold":2000,"window":"5m","for":"5m",
             "min_samples":20,"severity":"warning","cooldown":"5m","channels":[],"group_by":["bot"]}
            """);
        // One alert for each of the Resolve and Silence tests, so neither depends on the other's order.
        foreach (var name in new[] { ResolveRule, SilenceRule })
        {
            await PutAsync(admin, "/api/alert-rules/" + name, $$"""
                {"description":"Any traffic, for the {{name}} test","metric":"event_count","comparator":">","threshold":0,"window":"15m","for":"0m",
                 "min_samples":0,"severity":"info","cooldown":"5m","channels":[],"group_by":[]}
                """);
        }
        await PostAsync(admin, "/admin/functions/ComputeRollups", "{}");
        await PostAsync(admin, "/admin/functions/EvaluateAlerts", "{}");
        await PostAsync(admin, "/admin/functions/EvaluateBudgets", "{}");
        await PostAsync(admin, "/admin/functions/AnalyzeConversations", "{}");

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_host is not null) await _host.DisposeAsync();
    }

    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(Url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A fresh 1366×768 page signed in with <paramref name="key"/> on <paramref name="hash"/>.</summary>
    public async Task<IPage> SignInAsync(string key, string hash = "#overview")
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url + "/api/console" + hash);
        await page.FillAsync("#key", key);
        await page.ClickAsync("#signin-form button[type=submit]");
        await page.WaitForSelectorAsync("#page[data-loaded]");
        return page;
    }

    /// <summary>Runs a browser step; on failure keeps a screenshot under TestResults/console-failures and rethrows.</summary>
    public static async Task WithScreenshotOnFailureAsync(IPage page, string name, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch
        {
            var directory = Path.Combine(AppContext.BaseDirectory, "TestResults", "console-failures");
            Directory.CreateDirectory(directory);
            var file = Path.Combine(directory, name + ".png");
            await page.ScreenshotAsync(new() { Path = file, FullPage = true });
            System.Console.Error.WriteLine($"console test {name} failed; screenshot kept at {file}");
            throw;
        }
    }

    public async Task<JsonElement> GetJsonAsync(string key, string path)
    {
        using var client = Client(key);
        return await Traffic.GetJsonAsync(client, path);
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string role)
    {
        using var response = await admin.PostAsync("/api/keys", new StringContent(JsonSerializer.Serialize(new { name = role + " console key", role }), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    private static async Task PostAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task PutAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PutAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
