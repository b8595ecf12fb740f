using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>A run's cost in the runs listing is the cost budgets count for it: its events, plus what it reported beyond them.</summary>
public class BatchRunCostTests
{
    private static async Task<string> RunAsync(HttpClient client, decimal eventCost, long items, decimal reported, string? tenant = null)
    {
        var query = tenant is null ? "" : $"?tenant_id={tenant}";
        var start = await client.PostAsync($"/api/batch-jobs/nightly/runs{query}", VigilApp.Json("{}"));
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        var run = (await start.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetString()!;
        // As the demo's job does: its LLM calls name only the run; the job reports what it did.
        var now = DateTimeOffset.UtcNow;
        await Traffic.PostAllAsync(client, Enumerable.Range(0, (int)items).Select(i =>
        {
            var e = Events.LlmCall($"{run}-{i}", now.AddMilliseconds(-i), bot: "summary_bot", tenant: tenant);
            e["cost_usd"] = (double)(eventCost / items);
            e["batch_run_id"] = run;
            return e;
        }).ToList());
        var done = await client.PostAsync($"/api/batch-jobs/nightly/runs/{run}/complete{query}",
            VigilApp.Json(JsonSerializer.Serialize(new { succeeded = items, failed = 0, cost_usd = reported })));
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        return run;
    }

    [Fact]
    public async Task The_runs_listing_costs_a_run_by_its_events_plus_the_reported_remainder_as_the_budget_and_cost_metrics_do()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await admin.PutAsync("/api/batch-jobs/nightly", VigilApp.Json("{}"));
        var budget = """{"amount_usd":1000,"filters":{"batch_job":"nightly"},"thresholds":[{"percent":100,"actions":["notify:email"]}]}""";
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/budgets/nightly-budget", VigilApp.Json(budget))).StatusCode);
        // The demo's run: $0.09 of LLM calls over 30 items, reported as $0.
        var demo = await RunAsync(admin, 0.09m, 30, 0m);
        // A run whose report covers more than its events: $2 of events, $5 reported.
        var partial = await RunAsync(admin, 2m, 20, 5m);
        await app.RunFunctionAsync("ComputeRollups");

        var runs = (await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly/runs")).GetProperty("runs").EnumerateArray()
            .ToDictionary(r => r.GetProperty("run_id").GetString()!);
        Assert.Equal(0.09, runs[demo].GetProperty("cost_usd").GetDouble(), 6);
        Assert.Equal(0.003, runs[demo].GetProperty("cost_per_item").GetDouble(), 6);
        Assert.Equal(0.09, runs[demo].GetProperty("attributed_cost_usd").GetDouble(), 6);
        Assert.Equal(0.0, runs[demo].GetProperty("reported_cost_usd").GetDouble(), 6);
        Assert.Equal(5.0, runs[partial].GetProperty("cost_usd").GetDouble(), 6);
        Assert.Equal(0.25, runs[partial].GetProperty("cost_per_item").GetDouble(), 6);

        var byJob = await Traffic.GetJsonAsync(admin, "/api/metrics/cost?window=1h&group_by=batch_job");
        var nightly = byJob.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("key").GetProperty("batch_job").GetString() == "nightly");
        Assert.Equal(2.09, nightly.GetProperty("cost_usd").GetDouble(), 6); // events only
        var spent = (await Traffic.GetJsonAsync(admin, "/api/budgets/nightly-budget")).GetProperty("spent_usd").GetDouble();
        Assert.Equal(runs.Values.Sum(r => r.GetProperty("cost_usd").GetDouble()), spent, 6);
    }

    [Fact]
    public async Task A_tenants_run_costs_only_that_tenants_events_even_when_another_tenant_names_the_run()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await admin.PutAsync("/api/batch-jobs/nightly?tenant_id=acme", VigilApp.Json("{}"));
        var run = await RunAsync(admin, 1m, 10, 0m, tenant: "acme");
        var stray = Events.LlmCall("stray", DateTimeOffset.UtcNow, tenant: "globex");
        stray["cost_usd"] = 50.0;
        stray["batch_run_id"] = run;
        await Traffic.PostAllAsync(admin, [stray]);
        await app.RunFunctionAsync("ComputeRollups");

        var listed = Assert.Single((await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly/runs?tenant_id=acme")).GetProperty("runs").EnumerateArray());
        Assert.Equal(1.0, listed.GetProperty("cost_usd").GetDouble(), 6);
        // Nor is globex's event attributed to acme's job in the rollups.
        using var globex = app.Client(await app.CreateKeyAsync("read", tenant: "globex"));
        var cost = await Traffic.GetJsonAsync(globex, "/api/metrics/cost?window=1h&group_by=batch_job");
        Assert.DoesNotContain(cost.GetProperty("groups").EnumerateArray(), g => g.GetProperty("key").GetProperty("batch_job").GetString() == "nightly");
    }
}
