using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests;

public class BudgetTests
{
    private const string NightlyBudget = """
        {"amount_usd":10,"period":"monthly","filters":{"batch_job":"nightly"},
         "thresholds":[{"percent":50,"actions":["notify:email"]},{"percent":75,"actions":["notify:slack"]},
                       {"percent":90,"actions":["page"]},{"percent":100,"actions":["disable_batch_jobs"]}],
         "batch_jobs":["nightly"]}
        """;

    private static int _sequence;

    /// <summary>Events attributed to a batch job whose reported costs add up to <paramref name="total"/>.</summary>
    private static async Task SpendAsync(HttpClient client, DateTimeOffset at, decimal total, string job = "nightly", string? runId = null)
    {
        var events = new List<Dictionary<string, object?>>();
        var left = total;
        while (left > 0)
        {
            var cost = Math.Min(left, 0.5m);
            left -= cost;
            var e = Events.LlmCall($"spend-{Interlocked.Increment(ref _sequence)}-{Guid.NewGuid():N}", at, bot: "summary_bot");
            e["cost_usd"] = (double)cost;
            if (runId is null) e["batch_job"] = job;
            else e["batch_run_id"] = runId;
            events.Add(e);
        }
        await Traffic.PostAllAsync(client, events);
    }

    private static async Task<JsonElement> EvaluateAsync(VigilApp app)
    {
        await app.RunFunctionAsync("ComputeRollups");
        return (await app.RunFunctionAsync("EvaluateBudgets")).GetProperty("counts");
    }

    private static async Task<VigilApp> StartWithNightlyAsync(Receivers receivers, ManualTimeProvider? clock = null, string budget = NightlyBudget)
    {
        var app = await VigilApp.StartAsync(receivers.Settings(), time: clock);
        using var admin = app.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/batch-jobs/nightly", VigilApp.Json("""{"description":"nightly summaries"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/budgets/nightly-budget", VigilApp.Json(budget))).StatusCode);
        return app;
    }

    private static IEnumerable<double> Crossed(JsonElement budget) => budget.GetProperty("thresholds_crossed").EnumerateArray().Select(t => t.GetProperty("percent").GetDouble());

    [Fact]
    public async Task Thresholds_fire_once_each_as_spend_grows_and_at_100_percent_the_job_is_stopped_until_an_operator_enables_it()
    {
        await using var receivers = await Receivers.StartAsync();
        await using var app = await StartWithNightlyAsync(receivers);
        using var admin = app.AdminClient();
        using var worker = app.Client(await app.CreateKeyAsync("ingest"));
        var now = DateTimeOffset.UtcNow;

        await SpendAsync(admin, now, 5.10m);
        Assert.Equal(1, (await EvaluateAsync(app)).GetProperty("crossed").GetInt64());
        var budget = await Traffic.GetJsonAsync(admin, "/api/budgets/nightly-budget");
        Assert.Equal(5.10, budget.GetProperty("spent_usd").GetDouble(), 6);
        Assert.Equal(51.0, budget.GetProperty("percent").GetDouble(), 2);
        Assert.Equal([50.0], Crossed(budget));
        var mail = Assert.Single(await receivers.Smtp.WaitForAsync(1, TimeSpan.FromSeconds(5)));
        Assert.Contains("nightly-budget", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("$5.10", mail.Body, StringComparison.Ordinal);

        await SpendAsync(admin, now, 4.10m);
        Assert.Equal(2, (await EvaluateAsync(app)).GetProperty("crossed").GetInt64());
        Assert.Equal([50.0, 75.0, 90.0], Crossed(await Traffic.GetJsonAsync(admin, "/api/budgets/nightly-budget")));
        Assert.Contains("$9.20", Assert.Single(receivers.Slack.Received).Text, StringComparison.Ordinal);
        Assert.Single(receivers.PagerDuty.Received);
        Assert.Single(receivers.Opsgenie.Received);
        Assert.Single(receivers.Smtp.Mails);
        var job = await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly");
        Assert.True(job.GetProperty("enabled").GetBoolean());
        var run = await worker.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}"));
        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        var runId = (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetString();

        await SpendAsync(admin, now, 1.10m);
        var last = await EvaluateAsync(app);
        Assert.Equal(1, last.GetProperty("crossed").GetInt64());
        Assert.Equal(1, last.GetProperty("disabled").GetInt64());
        budget = await Traffic.GetJsonAsync(admin, "/api/budgets/nightly-budget");
        Assert.Equal(10.30, budget.GetProperty("spent_usd").GetDouble(), 6);
        Assert.Equal([50.0, 75.0, 90.0, 100.0], Crossed(budget));

        job = await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly");
        Assert.False(job.GetProperty("enabled").GetBoolean());
        Assert.Equal("budget:nightly-budget", job.GetProperty("disabled_by").GetString());
        var reason = job.GetProperty("disabled_reason").GetString()!;
        Assert.Contains("nightly-budget", reason, StringComparison.Ordinal);
        Assert.Contains("$10.30 of $10.00", reason, StringComparison.Ordinal);

        var locked = await AssertProblem(await worker.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}")), (HttpStatusCode)423, "locked");
        Assert.Equal("nightly-budget", locked.GetProperty("budget").GetString());
        Assert.Contains("nightly-budget", locked.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The run that was already going may finish.
        Assert.Equal(HttpStatusCode.OK, (await worker.PostAsync($"/api/batch-jobs/nightly/runs/{runId}/complete", VigilApp.Json("""{"succeeded":10,"failed":0,"cost_usd":0}"""))).StatusCode);

        // Evaluating again, twice, sends nothing more.
        await EvaluateAsync(app);
        await EvaluateAsync(app);
        Assert.Single(receivers.Smtp.Mails);
        Assert.Single(receivers.Slack.Received);
        Assert.Single(receivers.PagerDuty.Received);
        Assert.Equal(4L, await app.ScalarAsync<long>("SELECT count(*) FROM budget_crossings WHERE budget = 'nightly-budget'"));

        var enabled = await admin.PostAsync("/api/batch-jobs/nightly/enable", VigilApp.Json("""{"by":"ana","reason":"approved overspend for the quarter close"}"""));
        Assert.True((await enabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, (await worker.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}"))).StatusCode);
        var audit = (await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly")).GetProperty("audit").EnumerateArray().ToList();
        Assert.Equal("enable", audit[0].GetProperty("action").GetString());
        Assert.Equal("ana", audit[0].GetProperty("by").GetString());
        Assert.Equal("disable", audit[1].GetProperty("action").GetString());
        Assert.Equal("budget:nightly-budget", audit[1].GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_new_period_re_enables_jobs_a_budget_stopped_but_not_jobs_an_operator_stopped()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var receivers = await Receivers.StartAsync();
        await using var app = await StartWithNightlyAsync(receivers, clock);
        using var admin = app.AdminClient();
        await admin.PutAsync("/api/batch-jobs/manual", VigilApp.Json("{}"));
        await admin.PostAsync("/api/batch-jobs/manual/disable", VigilApp.Json("""{"by":"bo","reason":"vendor outage"}"""));
        await SpendAsync(admin, clock.GetUtcNow(), 10.50m);
        await EvaluateAsync(app);
        Assert.False((await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly")).GetProperty("enabled").GetBoolean());

        var next = new DateTimeOffset(clock.GetUtcNow().Year, clock.GetUtcNow().Month, 1, 0, 2, 0, TimeSpan.Zero).AddMonths(1);
        clock.SetUtcNow(next);
        var counts = await EvaluateAsync(app);
        Assert.Equal(1, counts.GetProperty("reenabled").GetInt64());
        var nightly = await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly");
        Assert.True(nightly.GetProperty("enabled").GetBoolean());
        Assert.Equal("budget-period", nightly.GetProperty("audit")[0].GetProperty("by").GetString());
        var manual = await Traffic.GetJsonAsync(admin, "/api/batch-jobs/manual");
        Assert.False(manual.GetProperty("enabled").GetBoolean());
        Assert.Equal("bo", manual.GetProperty("disabled_by").GetString());

        var budget = await Traffic.GetJsonAsync(admin, "/api/budgets/nightly-budget");
        Assert.Equal(next.AddMinutes(-2), budget.GetProperty("period_start").GetDateTimeOffset());
        Assert.Equal(0, budget.GetProperty("spent_usd").GetDouble());
        Assert.Empty(budget.GetProperty("thresholds_crossed").EnumerateArray());
    }

    [Fact]
    public async Task Two_hosts_evaluating_budgets_at_once_record_and_send_each_threshold_once()
    {
        await using var receivers = await Receivers.StartAsync();
        var connectionString = TestPostgres.NewSchema(out _);
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        await using var a = await VigilApp.StartAsync(receivers.Settings(), connectionString: connectionString, adminKey: adminKey);
        await using var b = await VigilApp.StartAsync(receivers.Settings(), connectionString: connectionString, adminKey: adminKey);
        using var admin = a.AdminClient();
        await admin.PutAsync("/api/batch-jobs/nightly", VigilApp.Json("{}"));
        await admin.PutAsync("/api/budgets/nightly-budget", VigilApp.Json(NightlyBudget));
        await SpendAsync(admin, DateTimeOffset.UtcNow, 9.60m);
        await a.RunFunctionAsync("ComputeRollups");
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { a.RunFunctionAsync("EvaluateBudgets"), b.RunFunctionAsync("EvaluateBudgets") }));
        Assert.Equal(3L, await a.ScalarAsync<long>("SELECT count(*) FROM budget_crossings WHERE budget = 'nightly-budget'"));
        await Task.Delay(500);
        Assert.Single(receivers.Smtp.Mails);
        Assert.Single(receivers.Slack.Received);
        Assert.Single(receivers.PagerDuty.Received);
    }

    [Fact]
    public async Task A_run_whose_estimate_would_push_an_enforcing_budget_past_100_percent_is_refused()
    {
        await using var receivers = await Receivers.StartAsync();
        await using var app = await StartWithNightlyAsync(receivers);
        using var admin = app.AdminClient();
        await SpendAsync(admin, DateTimeOffset.UtcNow, 5.10m);
        await app.RunFunctionAsync("ComputeRollups");
        using var worker = app.Client(await app.CreateKeyAsync("ingest"));
        var refused = await AssertProblem(await worker.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("""{"estimated_cost_usd":6}""")), (HttpStatusCode)423, "locked");
        Assert.Equal("nightly-budget", refused.GetProperty("budget").GetString());
        Assert.Contains("$11.10 of $10.00", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await worker.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("""{"estimated_cost_usd":4}"""))).StatusCode);
        await AssertProblem(await worker.PostAsync("/api/batch-jobs/unknown-job/runs", VigilApp.Json("{}")), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_runs_reported_cost_counts_only_what_its_events_did_not_already_carry()
    {
        await using var receivers = await Receivers.StartAsync();
        await using var app = await StartWithNightlyAsync(receivers);
        using var admin = app.AdminClient();
        var run = await (await admin.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}"))).Content.ReadFromJsonAsync<JsonElement>();
        var runId = run.GetProperty("run_id").GetString()!;
        // Events naming only the run: attributed to its job at roll-up.
        await SpendAsync(admin, DateTimeOffset.UtcNow, 3.00m, runId: runId);
        await admin.PostAsync($"/api/batch-jobs/nightly/runs/{runId}/complete", VigilApp.Json("""{"succeeded":90,"failed":10,"cost_usd":5.0}"""));
        var other = (await (await admin.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetString()!;
        await SpendAsync(admin, DateTimeOffset.UtcNow, 2.00m, runId: other);
        await admin.PostAsync($"/api/batch-jobs/nightly/runs/{other}/complete", VigilApp.Json("""{"succeeded":5,"failed":0,"cost_usd":1.0}"""));
        await app.RunFunctionAsync("ComputeRollups");

        // Run 1: $3 of events + $2 more reported; run 2: its $2 of events exceed the $1 it reported.
        Assert.Equal(7.0, (await Traffic.GetJsonAsync(admin, "/api/budgets/nightly-budget")).GetProperty("spent_usd").GetDouble(), 6);
        var byJob = await Traffic.GetJsonAsync(admin, "/api/metrics/cost?window=1h&group_by=batch_job");
        Assert.Equal(5.0, byJob.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetProperty("batch_job").GetString() == "nightly").GetProperty("cost_usd").GetDouble(), 6);
    }

    [Fact]
    public async Task The_runs_listing_shows_success_rate_cost_per_item_duration_and_flags_the_runbooks_bounds()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var receivers = await Receivers.StartAsync();
        await using var app = await StartWithNightlyAsync(receivers, clock);
        using var worker = app.Client(await app.CreateKeyAsync("ingest"));
        async Task<string> Run(long succeeded, long failed, double cost, TimeSpan duration)
        {
            var id = (await (await worker.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetString()!;
            clock.Advance(duration);
            var done = await worker.PostAsync($"/api/batch-jobs/nightly/runs/{id}/complete", VigilApp.Json(JsonSerializer.Serialize(new { succeeded, failed, cost_usd = cost })));
            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            return id;
        }
        var healthy = await Run(990, 10, 385, TimeSpan.FromHours(3));
        var failing = await Run(900, 100, 100, TimeSpan.FromHours(1));
        var expensive = await Run(100, 0, 45, TimeSpan.FromMinutes(30));
        var slow = await Run(100, 0, 10, TimeSpan.FromHours(5));

        using var reader = app.Client(await app.CreateKeyAsync("read"));
        var runs = (await Traffic.GetJsonAsync(reader, "/api/batch-jobs/nightly/runs")).GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("run_id").GetString()!);
        Assert.Empty(runs[healthy].GetProperty("flags").EnumerateArray());
        Assert.Equal(0.99, runs[healthy].GetProperty("success_rate").GetDouble(), 6);
        Assert.Equal(0.385, runs[healthy].GetProperty("cost_per_item").GetDouble(), 6);
        Assert.Equal(3 * 3600, runs[healthy].GetProperty("duration_seconds").GetDouble(), 1);
        Assert.Equal(["success_rate_below_95_percent"], runs[failing].GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["cost_per_item_above_0.40_usd"], runs[expensive].GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["duration_above_4_hours"], runs[slow].GetProperty("flags").EnumerateArray().Select(f => f.GetString()));

        await AssertProblem(await worker.PostAsync($"/api/batch-jobs/nightly/runs/{slow}/complete", VigilApp.Json("""{"succeeded":1,"failed":0,"cost_usd":1}""")), HttpStatusCode.Conflict, "conflict");
        await AssertProblem(await worker.PostAsync("/api/batch-jobs/nightly/runs/nope/complete", VigilApp.Json("""{"succeeded":1,"failed":0,"cost_usd":1}""")), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task A_forecast_threshold_warns_before_the_money_is_spent()
    {
        // One day into the month, $8 spent extends to more than $200 by month end: the forecast
        // threshold at 100% of $100 fires while only 8% is spent.
        var monthStart = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new ManualTimeProvider(monthStart.AddDays(1));
        await using var receivers = await Receivers.StartAsync();
        var budget = """{"amount_usd":100,"filters":{"batch_job":"nightly"},"thresholds":[{"percent":100,"forecast":true,"actions":["notify:slack"]},{"percent":100,"actions":["notify:email"]}],"batch_jobs":["nightly"]}""";
        await using var app = await StartWithNightlyAsync(receivers, clock, budget);
        using var admin = app.AdminClient();
        await SpendAsync(admin, clock.GetUtcNow().AddMinutes(-5), 8.0m);
        await EvaluateAsync(app);

        var status = await Traffic.GetJsonAsync(admin, "/api/budgets/nightly-budget");
        var days = (monthStart.AddMonths(1) - monthStart).TotalDays;
        Assert.Equal(8.0, status.GetProperty("spent_usd").GetDouble(), 6);
        Assert.Equal(8.0 * days, status.GetProperty("forecast_usd").GetDouble(), 3);
        var crossed = Assert.Single(status.GetProperty("thresholds_crossed").EnumerateArray());
        Assert.True(crossed.GetProperty("forecast").GetBoolean());
        Assert.Contains("is forecast to reach 100%", Assert.Single(await receivers.Slack.WaitForAsync(1, TimeSpan.FromSeconds(5))).Text, StringComparison.Ordinal);
        Assert.Empty(receivers.Smtp.Mails);
    }

    [Theory]
    [InlineData("\"amount_usd\":10", "\"amount_usd\":0", "amount_usd")]
    [InlineData("\"amount_usd\":10", "\"amount_usd\":\"ten\"", "amount_usd")]
    [InlineData("\"period\":\"monthly\"", "\"period\":\"weekly\"", "period")]
    [InlineData("{\"percent\":50,", "{\"percent\":0,", "thresholds[0].percent")]
    [InlineData("{\"percent\":50,", "{\"percent\":1001,", "thresholds[0].percent")]
    [InlineData("\"notify:email\"", "\"notify:fax\"", "thresholds[0].actions")]
    [InlineData("\"batch_jobs\":[\"nightly\"]", "\"batch_jobs\":\"some\"", "batch_jobs")]
    [InlineData("\"filters\":{\"batch_job\":\"nightly\"}", "\"filters\":{\"colour\":\"red\"}", "filters")]
    [InlineData("\"period\":\"monthly\",", "\"period\":\"monthly\",\"owner\":\"me\",", "owner")]
    public async Task Invalid_budgets_are_refused_with_the_field_named(string replace, string with, string field)
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var body = await AssertProblem(await admin.PutAsync("/api/budgets/b", VigilApp.Json(NightlyBudget.Replace(replace, with, StringComparison.Ordinal))), HttpStatusCode.BadRequest, "validation");
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task A_disable_action_must_say_which_jobs_it_stops()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var body = await AssertProblem(await admin.PutAsync("/api/budgets/b", VigilApp.Json("""{"amount_usd":5,"thresholds":[{"percent":100,"actions":["disable_batch_jobs"]}]}""")), HttpStatusCode.BadRequest, "validation");
        Assert.True(body.GetProperty("errors").TryGetProperty("batch_jobs", out _));
        var runbook = await admin.PutAsync("/api/budgets/everything", VigilApp.Json("""{"amount_usd":2000,"batch_jobs":"all"}"""));
        Assert.Equal(HttpStatusCode.Created, runbook.StatusCode);
        var created = await runbook.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("all", created.GetProperty("batch_jobs").GetString());
        Assert.Equal([50.0, 75.0, 90.0, 100.0], created.GetProperty("thresholds").EnumerateArray().Select(t => t.GetProperty("percent").GetDouble()));
    }

    [Fact]
    public async Task The_runbook_budget_is_seeded_and_roles_are_enforced()
    {
        await using var app = await VigilApp.StartAsync();
        using var reader = app.Client(await app.CreateKeyAsync("read"));
        var monthly = (await Traffic.GetJsonAsync(reader, "/api/budgets")).GetProperty("budgets").EnumerateArray().Single(b => b.GetProperty("name").GetString() == "monthly");
        Assert.Equal(2000, monthly.GetProperty("amount_usd").GetDouble());
        // Seeded without anyone choosing jobs, it stops none (one tenant's spend must not stop every tenant's batch work), and says so.
        Assert.Empty(monthly.GetProperty("batch_jobs").EnumerateArray());
        Assert.Contains("stops no batch job", Assert.Single(monthly.GetProperty("warnings").EnumerateArray()).GetString(), StringComparison.Ordinal);
        await AssertProblem(await reader.PutAsync("/api/budgets/x", VigilApp.Json(NightlyBudget)), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await reader.PutAsync("/api/batch-jobs/x", VigilApp.Json("{}")), HttpStatusCode.Forbidden, "forbidden");
        using var worker = app.Client(await app.CreateKeyAsync("ingest"));
        await AssertProblem(await worker.PostAsync("/api/batch-jobs/x/disable", VigilApp.Json("{}")), HttpStatusCode.Forbidden, "forbidden");
    }
}
