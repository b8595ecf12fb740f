using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>
/// Batch runs as monitored work, over HTTP on a manual clock: a job's expected_every and
/// max_duration, the batch_run_overdue and batch_run_failed rules per job, and progress with an ETA.
/// </summary>
public class BatchMonitoringTests
{
    private static async Task<(VigilApp App, ManualTimeProvider Clock, HttpClient Admin)> StartAsync(params (string Name, string Json)[] rules)
    {
        var now = DateTimeOffset.UtcNow;
        var clock = new ManualTimeProvider(new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero));
        var app = await VigilApp.StartAsync(time: clock);
        await app.ExecuteAsync("UPDATE alert_rules SET enabled = false");
        var admin = app.AdminClient();
        foreach (var (name, json) in rules)
        {
            var response = await admin.PutAsync($"/api/alert-rules/{name}", VigilApp.Json(json));
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        }
        return (app, clock, admin);
    }

    private const string OverdueRule = """{"metric":"batch_run_overdue","severity":"critical","channels":[]}""";
    private const string FailedRule = """{"metric":"batch_run_failed","window":"24h","severity":"warning","channels":[]}""";

    private static async Task<HttpResponseMessage> PutJobAsync(HttpClient admin, string name, string json) =>
        await admin.PutAsync($"/api/batch-jobs/{name}", VigilApp.Json(json));

    private static async Task<string> StartRunAsync(HttpClient client, string job)
    {
        var response = await client.PostAsync($"/api/batch-jobs/{job}/runs", VigilApp.Json("{}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetString()!;
    }

    private static async Task CompleteAsync(HttpClient client, string job, string run, long succeeded, long failed)
    {
        var response = await client.PostAsync($"/api/batch-jobs/{job}/runs/{run}/complete",
            VigilApp.Json(JsonSerializer.Serialize(new { succeeded, failed, cost_usd = 1.0 })));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<List<JsonElement>> EvaluateAsync(VigilApp app, HttpClient admin, string state = "firing")
    {
        await app.RunFunctionAsync("EvaluateAlerts");
        return [.. (await Traffic.GetJsonAsync(admin, $"/api/alerts?state={state}")).GetProperty("alerts").EnumerateArray()];
    }

    [Fact]
    public async Task A_job_that_misses_its_expected_every_fires_batch_run_overdue_and_resolves_when_a_run_starts()
    {
        var (app, clock, admin) = await StartAsync(("overdue", OverdueRule));
        await using var _ = app;
        using var __ = admin;
        Assert.Equal(HttpStatusCode.Created, (await PutJobAsync(admin, "hourly", """{"expected_every":"1h"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutJobAsync(admin, "unwatched", "{}")).StatusCode);
        await CompleteAsync(admin, "hourly", await StartRunAsync(admin, "hourly"), 10, 0);

        clock.Advance(TimeSpan.FromMinutes(50));
        Assert.Empty(await EvaluateAsync(app, admin));

        // Due at 60 minutes; at 75 it is a quarter of an hour late. The job without expectations never is.
        clock.Advance(TimeSpan.FromMinutes(25));
        var alert = Assert.Single(await EvaluateAsync(app, admin));
        Assert.Equal("overdue", alert.GetProperty("rule").GetString());
        Assert.Equal("hourly", alert.GetProperty("group").GetProperty("batch_job").GetString());
        Assert.Equal(900, alert.GetProperty("value").GetDouble(), 3);
        Assert.Equal(0, alert.GetProperty("threshold").GetDouble());

        await StartRunAsync(admin, "hourly");
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await EvaluateAsync(app, admin));
        var resolved = await Traffic.GetJsonAsync(admin, $"/api/alerts/{alert.GetProperty("id").GetString()}");
        Assert.Equal("resolved", resolved.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_tenants_batch_rule_watches_its_tenants_jobs_only_and_a_global_rule_tells_tenants_apart()
    {
        var (app, clock, admin) = await StartAsync(("global-overdue", """{"metric":"batch_run_overdue","group_by":["tenant_id"],"severity":"info","channels":[]}"""));
        await using var _ = app;
        using var __ = admin;
        var ruleResponse = await admin.PutAsync("/api/alert-rules/acme-overdue?tenant_id=acme", VigilApp.Json(OverdueRule));
        Assert.Equal(HttpStatusCode.Created, ruleResponse.StatusCode);
        // The same job name in the global scope, acme's and globex's, each an hour overdue.
        foreach (var query in new[] { "", "?tenant_id=acme", "?tenant_id=globex" })
        {
            Assert.Equal(HttpStatusCode.Created, (await PutJobAsync(admin, $"hourly{query}", """{"expected_every":"1h"}""")).StatusCode);
        }
        clock.Advance(TimeSpan.FromHours(2));

        var firing = await EvaluateAsync(app, admin);
        var acmeRule = Assert.Single(firing, a => a.GetProperty("rule").GetString() == "acme-overdue");
        Assert.Equal("hourly", acmeRule.GetProperty("group").GetProperty("batch_job").GetString());
        Assert.Equal(3600, acmeRule.GetProperty("value").GetDouble(), 3);
        var tenants = firing.Where(a => a.GetProperty("rule").GetString() == "global-overdue")
            .Select(a => a.GetProperty("group").GetProperty("tenant_id").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["", "acme", "globex"], tenants);

        using var acme = app.Client(await app.CreateKeyAsync("read", tenant: "acme"));
        var seen = (await Traffic.GetJsonAsync(acme, "/api/alerts?state=firing")).GetProperty("alerts").EnumerateArray()
            .Select(a => (a.GetProperty("rule").GetString(), a.GetProperty("group").TryGetProperty("tenant_id", out var t) ? t.GetString() : null)).ToList();
        // acme's key sees its own rule's alert and the global rule's alert for acme's job, nothing of globex or the global job.
        Assert.Equal([("acme-overdue", null), ("global-overdue", "acme")], seen.Order());
    }

    [Fact]
    public async Task A_run_past_max_duration_fires_batch_run_overdue_until_it_completes()
    {
        var (app, clock, admin) = await StartAsync(("overdue", OverdueRule));
        await using var _ = app;
        using var __ = admin;
        await PutJobAsync(admin, "weekly", """{"description":"Sunday batch","max_duration":"4h"}""");
        var run = await StartRunAsync(admin, "weekly");
        clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(59));
        Assert.Empty(await EvaluateAsync(app, admin));

        clock.Advance(TimeSpan.FromMinutes(3));
        var alert = Assert.Single(await EvaluateAsync(app, admin));
        Assert.Equal("weekly", alert.GetProperty("group").GetProperty("batch_job").GetString());
        Assert.Equal(120, alert.GetProperty("value").GetDouble(), 3);

        await CompleteAsync(admin, "weekly", run, 990, 10);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(await EvaluateAsync(app, admin));
    }

    [Fact]
    public async Task A_job_whose_runs_succeed_under_95_percent_fires_batch_run_failed_and_a_healthy_one_does_not()
    {
        var (app, clock, admin) = await StartAsync(("failing", FailedRule));
        await using var _ = app;
        using var __ = admin;
        await PutJobAsync(admin, "flaky", "{}");
        await PutJobAsync(admin, "solid", "{}");
        // flaky: 900 + 40 of 1,000 + 100 items succeeded (94.5%); solid: 990 of 1,000 (99%).
        await CompleteAsync(admin, "flaky", await StartRunAsync(admin, "flaky"), 900, 100);
        await CompleteAsync(admin, "flaky", await StartRunAsync(admin, "flaky"), 140, 0);
        await CompleteAsync(admin, "solid", await StartRunAsync(admin, "solid"), 990, 10);
        clock.Advance(TimeSpan.FromMinutes(1));

        var alert = Assert.Single(await EvaluateAsync(app, admin));
        Assert.Equal("flaky", alert.GetProperty("group").GetProperty("batch_job").GetString());
        Assert.Equal(1040.0 / 1140, alert.GetProperty("value").GetDouble(), 6);
        Assert.Equal(0.95, alert.GetProperty("threshold").GetDouble());

        // A day later those runs have left the window: no items, no value, resolved.
        clock.Advance(TimeSpan.FromHours(24));
        Assert.Empty(await EvaluateAsync(app, admin));
    }

    [Fact]
    public async Task Progress_on_a_running_run_shows_in_the_listing_with_an_eta_from_its_rate()
    {
        var (app, clock, admin) = await StartAsync();
        await using var _ = app;
        using var __ = admin;
        await PutJobAsync(admin, "nightly", "{}");
        using var ingest = app.Client(await app.CreateKeyAsync("ingest"));
        var started = clock.GetUtcNow();
        var run = await StartRunAsync(ingest, "nightly");

        clock.Advance(TimeSpan.FromMinutes(30));
        var reported = await ingest.PostAsync($"/api/batch-jobs/nightly/runs/{run}/progress", VigilApp.Json("""{"done":250,"total":1000}"""));
        Assert.Equal(HttpStatusCode.OK, reported.StatusCode);
        clock.Advance(TimeSpan.FromMinutes(5));

        var listed = Assert.Single((await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly/runs")).GetProperty("runs").EnumerateArray());
        var progress = listed.GetProperty("progress");
        Assert.Equal(250, progress.GetProperty("done").GetInt64());
        Assert.Equal(1000, progress.GetProperty("total").GetInt64());
        Assert.Equal(25.0, progress.GetProperty("percent").GetDouble());
        // 250 in 30 minutes: the other 750 take 90 more, so the run ends two hours after it started.
        Assert.Equal(started + TimeSpan.FromHours(2), progress.GetProperty("eta").GetDateTimeOffset());
        Assert.Equal(started + TimeSpan.FromMinutes(30), progress.GetProperty("reported_at").GetDateTimeOffset());

        // Nothing done yet: the listing says so and gives no ETA.
        var second = await StartRunAsync(ingest, "nightly");
        await ingest.PostAsync($"/api/batch-jobs/nightly/runs/{second}/progress", VigilApp.Json("""{"done":0,"total":50}"""));
        var runs = (await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly/runs")).GetProperty("runs").EnumerateArray()
            .ToDictionary(r => r.GetProperty("run_id").GetString()!);
        Assert.Equal(JsonValueKind.Null, runs[second].GetProperty("progress").GetProperty("eta").ValueKind);
        Assert.Equal(0.0, runs[second].GetProperty("progress").GetProperty("percent").GetDouble());
    }

    [Fact]
    public async Task Progress_is_refused_for_bad_counts_unknown_runs_completed_runs_and_the_read_role()
    {
        var (app, _, admin) = await StartAsync();
        await using var __ = app;
        using var ___ = admin;
        await PutJobAsync(admin, "nightly", "{}");
        await PutJobAsync(admin, "other", "{}");
        var run = await StartRunAsync(admin, "nightly");
        async Task<HttpStatusCode> PostAsync(HttpClient client, string path, string body) =>
            (await client.PostAsync(path, VigilApp.Json(body))).StatusCode;
        var path = $"/api/batch-jobs/nightly/runs/{run}/progress";
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(admin, path, """{"done":11,"total":10}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(admin, path, """{"done":-1,"total":10}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(admin, path, """{"done":1,"total":-10}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(admin, path, """{"done":1}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(admin, path, """{"done":1.5,"total":10}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(admin, path, """{"done":1,"total":10,"eta":"soon"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PostAsync(admin, path, "{not json"));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(admin, $"/api/batch-jobs/missing/runs/{run}/progress", """{"done":1,"total":10}"""));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(admin, $"/api/batch-jobs/nightly/runs/no-such-run/progress", """{"done":1,"total":10}"""));
        Assert.Equal(HttpStatusCode.NotFound, await PostAsync(admin, $"/api/batch-jobs/other/runs/{run}/progress", """{"done":1,"total":10}"""));
        using var reader = app.Client(await app.CreateKeyAsync("read"));
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(reader, path, """{"done":1,"total":10}"""));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(admin, path, """{"done":10,"total":10}"""));
        await CompleteAsync(admin, "nightly", run, 10, 0);
        Assert.Equal(HttpStatusCode.Conflict, await PostAsync(admin, path, """{"done":10,"total":10}"""));
        // The completed run keeps its last report but no ETA.
        var listed = Assert.Single((await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly/runs")).GetProperty("runs").EnumerateArray());
        Assert.Equal(10, listed.GetProperty("progress").GetProperty("done").GetInt64());
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("progress").GetProperty("eta").ValueKind);
    }

    [Fact]
    public async Task A_jobs_expectations_are_validated_shown_and_cleared_by_a_put_without_them()
    {
        var (app, _, admin) = await StartAsync();
        await using var __ = app;
        using var ___ = admin;
        Assert.Equal(HttpStatusCode.BadRequest, (await PutJobAsync(admin, "j", """{"expected_every":"often"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutJobAsync(admin, "j", """{"expected_every":"0s"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutJobAsync(admin, "j", """{"max_duration":"30s"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutJobAsync(admin, "j", """{"max_duration":"60d"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PutJobAsync(admin, "j", """{"max_duration":4}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/batch-jobs/j")).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await PutJobAsync(admin, "j", """{"expected_every":"24h","max_duration":"4h"}""")).StatusCode);
        var job = await Traffic.GetJsonAsync(admin, "/api/batch-jobs/j");
        Assert.Equal("1d", job.GetProperty("expected_every").GetString());
        Assert.Equal("4h", job.GetProperty("max_duration").GetString());
        var listed = Assert.Single((await Traffic.GetJsonAsync(admin, "/api/batch-jobs")).GetProperty("batch_jobs").EnumerateArray());
        Assert.Equal("4h", listed.GetProperty("max_duration").GetString());

        Assert.Equal(HttpStatusCode.OK, (await PutJobAsync(admin, "j", """{"description":"no schedule"}""")).StatusCode);
        job = await Traffic.GetJsonAsync(admin, "/api/batch-jobs/j");
        Assert.Equal(JsonValueKind.Null, job.GetProperty("expected_every").ValueKind);
        Assert.Equal(JsonValueKind.Null, job.GetProperty("max_duration").ValueKind);
    }

    [Fact]
    public async Task Batch_run_rules_are_per_job_and_refused_elsewhere()
    {
        var (app, _, admin) = await StartAsync();
        await using var __ = app;
        using var ___ = admin;
        async Task<HttpStatusCode> PutRuleAsync(string json) => (await admin.PutAsync("/api/alert-rules/r", VigilApp.Json(json))).StatusCode;
        Assert.Equal(HttpStatusCode.BadRequest, await PutRuleAsync("""{"metric":"batch_run_failed","group_by":["bot"],"severity":"info"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PutRuleAsync("""{"metric":"batch_run_failed","filters":{"model":"gpt-4o"},"severity":"info"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PutRuleAsync("""{"metric":"batch_run_failed","threshold":95,"severity":"info"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await PutRuleAsync("""{"metric":"batch_run_overdue","threshold_from":"sla_p95","group_by":["batch_job"],"severity":"info"}"""));
        Assert.Equal(HttpStatusCode.Created, await PutRuleAsync("""{"metric":"batch_run_failed","group_by":["tenant_id"],"severity":"info"}"""));
        var rule = await Traffic.GetJsonAsync(admin, "/api/alert-rules/r");
        Assert.Equal(["tenant_id", "batch_job"], rule.GetProperty("group_by").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("<", rule.GetProperty("comparator").GetString());
        Assert.Equal(0.95, rule.GetProperty("threshold").GetDouble());
        var series = await admin.GetAsync("/api/metrics/timeseries?window=1h&metric=batch_run_overdue");
        Assert.Equal(HttpStatusCode.BadRequest, series.StatusCode);
        Assert.Contains("/runs", await series.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
