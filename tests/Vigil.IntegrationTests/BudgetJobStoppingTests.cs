using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests;

/// <summary>Which batch jobs a budget's disable_batch_jobs stops: the ones it names in its own scope, or all when it says so.</summary>
public class BudgetJobStoppingTests
{
    private static readonly string[] Tenants = ["acme", "globex"];

    /// <summary>A global job 'nightly', and a job of the same name (plus one more) for acme and for globex.</summary>
    private static async Task RegisterJobsAsync(HttpClient admin)
    {
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/batch-jobs/nightly", VigilApp.Json("{}"))).StatusCode);
        foreach (var tenant in Tenants)
        {
            foreach (var job in new[] { "nightly", $"{tenant}-reports" })
            {
                Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync($"/api/batch-jobs/{job}?tenant_id={tenant}", VigilApp.Json("{}"))).StatusCode);
            }
        }
    }

    private static async Task<Dictionary<string, JsonElement>> JobsAsync(HttpClient admin) =>
        (await Traffic.GetJsonAsync(admin, "/api/batch-jobs")).GetProperty("batch_jobs").EnumerateArray()
            .ToDictionary(j => $"{j.GetProperty("tenant_id").GetString() ?? "global"}/{j.GetProperty("name").GetString()}");

    /// <summary>Many small events (each well inside any per-event cost bound) adding up to <paramref name="total"/> dollars.</summary>
    private static async Task SpendAsync(HttpClient client, int total, string? tenant = null)
    {
        var now = DateTimeOffset.UtcNow;
        await Traffic.PostAllAsync(client, Enumerable.Range(0, total).Select(i =>
        {
            var e = Events.LlmCall($"spend-{Guid.NewGuid():N}", now.AddMilliseconds(-i), tenant: tenant);
            e["cost_usd"] = 1.0;
            return e;
        }).ToList());
    }

    [Fact]
    public async Task One_tenants_spend_past_the_seeded_monthly_budget_stops_no_tenants_batch_jobs_and_the_budget_says_so()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await RegisterJobsAsync(admin);
        using var acme = app.Client(await app.CreateKeyAsync("ingest", tenant: "acme"));
        await SpendAsync(acme, 2_100);

        await app.RunFunctionAsync("ComputeRollups");
        var counts = (await app.RunFunctionAsync("EvaluateBudgets")).GetProperty("counts");
        Assert.Equal(4, counts.GetProperty("crossed").GetInt64());
        Assert.Equal(0, counts.GetProperty("disabled").GetInt64());

        Assert.All((await JobsAsync(admin)).Values, j => Assert.True(j.GetProperty("enabled").GetBoolean(), j.ToString()));
        Assert.Equal(HttpStatusCode.Created, (await acme.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}"))).StatusCode);
        var monthly = await Traffic.GetJsonAsync(admin, "/api/budgets/monthly");
        Assert.Equal(2100.0, monthly.GetProperty("spent_usd").GetDouble(), 6);
        var hundred = monthly.GetProperty("thresholds_crossed").EnumerateArray().Single(t => t.GetProperty("percent").GetDouble() == 100);
        Assert.Contains("none stopped", hundred.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        Assert.Contains("stops no batch job", Assert.Single(monthly.GetProperty("warnings").EnumerateArray()).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_global_budget_naming_jobs_stops_only_those_global_jobs_not_tenants_jobs_of_the_same_name()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await RegisterJobsAsync(admin);
        var budget = """{"amount_usd":5,"thresholds":[{"percent":100,"actions":["disable_batch_jobs"]}],"batch_jobs":["nightly"]}""";
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/budgets/nightly-cap", VigilApp.Json(budget))).StatusCode);
        await SpendAsync(admin, 6);
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("EvaluateBudgets");

        var jobs = await JobsAsync(admin);
        Assert.False(jobs["global/nightly"].GetProperty("enabled").GetBoolean());
        Assert.Equal(["global/nightly"], jobs.Where(j => !j.Value.GetProperty("enabled").GetBoolean()).Select(j => j.Key));
    }

    [Fact]
    public async Task A_global_budget_saying_all_stops_every_tenants_jobs_without_showing_them_its_spend()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await RegisterJobsAsync(admin);
        var budget = """{"amount_usd":5,"thresholds":[{"percent":100,"actions":["disable_batch_jobs"]}],"batch_jobs":"all"}""";
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsync("/api/budgets/kill-switch", VigilApp.Json(budget))).StatusCode);
        await SpendAsync(admin, 6);
        await app.RunFunctionAsync("ComputeRollups");
        Assert.Equal(5, (await app.RunFunctionAsync("EvaluateBudgets")).GetProperty("counts").GetProperty("disabled").GetInt64());

        Assert.All((await JobsAsync(admin)).Values, j => Assert.False(j.GetProperty("enabled").GetBoolean()));
        using var acme = app.Client(await app.CreateKeyAsync("ingest", tenant: "acme"));
        var locked = await AssertProblem(await acme.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}")), (HttpStatusCode)423, "locked");
        Assert.Equal("kill-switch", locked.GetProperty("budget").GetString());
        // The tenant learns a deployment-wide limit stopped its job, never what the deployment spent.
        Assert.DoesNotContain("$", locked.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var reader = app.Client(await app.CreateKeyAsync("read", tenant: "acme"));
        var job = await Traffic.GetJsonAsync(reader, "/api/batch-jobs/nightly");
        Assert.Contains("deployment-wide budget 'kill-switch'", job.GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("$", job.GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("$", job.GetProperty("audit")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        // The global job's own reason shows the spend, to the keys that may see the budget.
        Assert.Contains("$6.00 of $5.00", (await Traffic.GetJsonAsync(admin, "/api/batch-jobs/nightly")).GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenants_budget_saying_all_stops_only_that_tenants_jobs_and_counts_only_its_spend()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await RegisterJobsAsync(admin);
        using var acmeAdmin = app.Client(await app.CreateKeyAsync("admin", tenant: "acme"));
        var budget = """{"amount_usd":5,"thresholds":[{"percent":100,"actions":["disable_batch_jobs"]}],"batch_jobs":"all"}""";
        var created = await acmeAdmin.PutAsync("/api/budgets/acme-cap", VigilApp.Json(budget));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("acme", (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenant_id").GetString());
        await SpendAsync(admin, 20, tenant: "globex");
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("EvaluateBudgets");
        Assert.All((await JobsAsync(admin)).Values, j => Assert.True(j.GetProperty("enabled").GetBoolean()));

        await SpendAsync(admin, 6, tenant: "acme");
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("EvaluateBudgets");
        var stopped = (await JobsAsync(admin)).Where(j => !j.Value.GetProperty("enabled").GetBoolean()).Select(j => j.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["acme/acme-reports", "acme/nightly"], stopped);
        Assert.Contains("$6.00 of $5.00", (await Traffic.GetJsonAsync(acmeAdmin, "/api/batch-jobs/nightly")).GetProperty("disabled_reason").GetString(), StringComparison.Ordinal);
    }
}
