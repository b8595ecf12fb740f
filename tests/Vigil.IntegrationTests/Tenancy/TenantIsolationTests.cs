using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests.Tenancy;

/// <summary>The isolation defects of the tenancy issue, each as it was reported, on the local host.</summary>
public class TenantIsolationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static async Task<JsonElement> Created(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body;
    }

    private static Dictionary<string, object?> Costing(Dictionary<string, object?> e, decimal cost)
    {
        e["cost_usd"] = (double)cost;
        return e;
    }

    [Fact]
    public async Task An_acme_ingest_key_can_neither_start_nor_complete_globex_runs_nor_change_their_cost()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await Created(await admin.PutAsync("/api/batch-jobs/globex-job?tenant_id=globex", VigilApp.Json("{}")));
        var run = (await Created(await admin.PostAsync("/api/batch-jobs/globex-job/runs?tenant_id=globex", VigilApp.Json("{}")))).GetProperty("run_id").GetString();
        using var acme = app.Client(await app.CreateKeyAsync("ingest", tenant: "acme"));

        await AssertProblem(await acme.PostAsync("/api/batch-jobs/globex-job/runs", VigilApp.Json("{}")), HttpStatusCode.NotFound, "not-found");
        var complete = VigilApp.Json("""{"succeeded":1,"failed":0,"cost_usd":999}""");
        await AssertProblem(await acme.PostAsync($"/api/batch-jobs/globex-job/runs/{run}/complete", complete), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.PostAsync($"/api/batch-jobs/globex-job/runs/{run}/complete?tenant_id=globex", complete), HttpStatusCode.Forbidden, "forbidden");
        // Even naming the run under a job of its own that happens to share the name.
        await Created(await admin.PutAsync("/api/batch-jobs/globex-job?tenant_id=acme", VigilApp.Json("{}")));
        await AssertProblem(await acme.PostAsync($"/api/batch-jobs/globex-job/runs/{run}/complete", complete), HttpStatusCode.NotFound, "not-found");

        var runs = (await Traffic.GetJsonAsync(admin, "/api/batch-jobs/globex-job/runs?tenant_id=globex")).GetProperty("runs");
        var only = Assert.Single(runs.EnumerateArray());
        Assert.Equal("running", only.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, only.GetProperty("reported_cost_usd").ValueKind);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM batch_runs"));
    }

    [Fact]
    public async Task Tenant_keys_list_and_read_only_their_tenants_budgets_jobs_runs_and_rules()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        foreach (var tenant in new[] { "acme", "globex" })
        {
            await Created(await admin.PutAsync($"/api/budgets/{tenant}-budget?tenant_id={tenant}", VigilApp.Json("""{"amount_usd":100,"batch_jobs":"all"}""")));
            await Created(await admin.PutAsync($"/api/batch-jobs/{tenant}-job?tenant_id={tenant}", VigilApp.Json("{}")));
            await Created(await admin.PostAsync($"/api/batch-jobs/{tenant}-job/runs?tenant_id={tenant}", VigilApp.Json("{}")));
            await Created(await admin.PutAsync($"/api/alert-rules/{tenant}-rule?tenant_id={tenant}",
                VigilApp.Json("""{"metric":"error_rate","comparator":">","threshold":0.1,"severity":"info"}""")));
        }
        using var acme = app.Client(await app.CreateKeyAsync("read", tenant: "acme"));

        static IEnumerable<string> Names(JsonElement list) => list.EnumerateArray().Select(i => i.GetProperty("name").GetString()!);
        Assert.Equal(["acme-budget"], Names((await Traffic.GetJsonAsync(acme, "/api/budgets")).GetProperty("budgets")));
        Assert.Equal(["acme-job"], Names((await Traffic.GetJsonAsync(acme, "/api/batch-jobs")).GetProperty("batch_jobs")));
        // Not the seeded global rules either: those are the deployment's.
        Assert.Equal(["acme-rule"], Names((await Traffic.GetJsonAsync(acme, "/api/alert-rules")).GetProperty("rules")));
        await AssertProblem(await acme.GetAsync("/api/budgets/globex-budget"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.GetAsync("/api/budgets/monthly"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.GetAsync("/api/batch-jobs/globex-job"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.GetAsync("/api/batch-jobs/globex-job/runs"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.GetAsync("/api/alert-rules/globex-rule"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.GetAsync("/api/budgets?tenant_id=globex"), HttpStatusCode.Forbidden, "forbidden");
        Assert.Single((await Traffic.GetJsonAsync(acme, "/api/batch-jobs/acme-job/runs")).GetProperty("runs").EnumerateArray());

        // An unbound key sees every scope in lists, and reaches a tenant's object with ?tenant_id=.
        var all = Names((await Traffic.GetJsonAsync(admin, "/api/budgets")).GetProperty("budgets")).ToList();
        Assert.Equal(["monthly", "acme-budget", "globex-budget"], all);
        Assert.Equal("globex", (await Traffic.GetJsonAsync(admin, "/api/budgets/globex-budget?tenant_id=globex")).GetProperty("tenant_id").GetString());
        await AssertProblem(await admin.GetAsync("/api/budgets/globex-budget"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Names_are_per_scope_so_each_tenant_has_its_own_monthly_budget_and_sees_only_its_own_spend()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        using var acmeAdmin = app.Client(await app.CreateKeyAsync("admin", tenant: "acme"));
        using var globexAdmin = app.Client(await app.CreateKeyAsync("admin", tenant: "globex"));
        // A tenant creating a name the global scope (or another tenant) holds gets its own object: nothing collides, nothing leaks.
        Assert.Equal(HttpStatusCode.Created, (await acmeAdmin.PutAsync("/api/budgets/monthly", VigilApp.Json("""{"amount_usd":10,"batch_jobs":"all"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await globexAdmin.PutAsync("/api/budgets/monthly", VigilApp.Json("""{"amount_usd":20,"batch_jobs":"all"}"""))).StatusCode);
        await AssertProblem(await acmeAdmin.PutAsync("/api/budgets/x", VigilApp.Json("""{"amount_usd":1,"tenant_id":"globex"}""")), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await acmeAdmin.PutAsync("/api/budgets/x", VigilApp.Json("""{"amount_usd":1,"filters":{"tenant_id":"globex"}}""")), HttpStatusCode.Forbidden, "forbidden");

        await Created(await acmeAdmin.PutAsync("/api/batch-jobs/nightly", VigilApp.Json("{}")));
        var run = (await Created(await acmeAdmin.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}")))).GetProperty("run_id").GetString();
        await Created(await acmeAdmin.PostAsync($"/api/batch-jobs/nightly/runs/{run}/complete", VigilApp.Json("""{"succeeded":1,"failed":0,"cost_usd":2}""")));
        await Traffic.PostAllAsync(admin, [
            Costing(Events.LlmCall("a", Now, tenant: "acme"), 3m),
            Costing(Events.LlmCall("g", Now, tenant: "globex"), 5m),
            Costing(Events.LlmCall("d", Now), 7m),
        ]);
        await app.RunFunctionAsync("ComputeRollups");

        var acmeMonthly = await Traffic.GetJsonAsync(acmeAdmin, "/api/budgets/monthly");
        Assert.Equal("acme", acmeMonthly.GetProperty("tenant_id").GetString());
        Assert.Equal(5.0, acmeMonthly.GetProperty("spent_usd").GetDouble(), 6); // its $3 of events and its run's $2
        Assert.Equal(5.0, (await Traffic.GetJsonAsync(globexAdmin, "/api/budgets/monthly")).GetProperty("spent_usd").GetDouble(), 6);
        var global = await Traffic.GetJsonAsync(admin, "/api/budgets/monthly");
        Assert.Equal(JsonValueKind.Null, global.GetProperty("tenant_id").ValueKind);
        Assert.Equal(17.0, global.GetProperty("spent_usd").GetDouble(), 6); // every tenant's events and runs
        Assert.Equal(5.0, (await Traffic.GetJsonAsync(admin, "/api/budgets/monthly?tenant_id=acme")).GetProperty("spent_usd").GetDouble(), 6);
        var acmeList = (await Traffic.GetJsonAsync(acmeAdmin, "/api/budgets")).GetProperty("budgets");
        Assert.Equal(5.0, Assert.Single(acmeList.EnumerateArray()).GetProperty("spent_usd").GetDouble(), 6);
    }

    [Fact]
    public async Task An_acme_admin_mints_only_acme_keys_and_lists_revokes_and_disables_only_acmes()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        await Created(await admin.PutAsync("/api/batch-jobs/globex-job?tenant_id=globex", VigilApp.Json("{}")));
        var globexKey = (await Created(await admin.PostAsync("/api/keys", VigilApp.Json("""{"name":"g","role":"read","tenant_id":"globex"}""")))).GetProperty("id").GetString();
        using var acme = app.Client(await app.CreateKeyAsync("admin", tenant: "acme"));

        var minted = await Created(await acme.PostAsync("/api/keys", VigilApp.Json("""{"name":"escalated","role":"admin"}""")));
        Assert.Equal("acme", minted.GetProperty("tenant_id").GetString());
        using var mintedClient = app.Client(minted.GetProperty("key").GetString());
        await AssertProblem(await mintedClient.GetAsync("/api/budgets/monthly"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.PostAsync("/api/keys", VigilApp.Json("""{"name":"x","role":"admin","tenant_id":"globex"}""")), HttpStatusCode.Forbidden, "forbidden");

        var listed = (await Traffic.GetJsonAsync(acme, "/api/keys")).GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal(2, listed.Count);
        Assert.All(listed, k => Assert.Equal("acme", k.GetProperty("tenant_id").GetString()));
        await AssertProblem(await acme.DeleteAsync($"/api/keys/{globexKey}"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.DeleteAsync("/api/keys/bootstrap-admin"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acme.PostAsync("/api/batch-jobs/globex-job/disable", VigilApp.Json("{}")), HttpStatusCode.NotFound, "not-found");
        Assert.True((await Traffic.GetJsonAsync(admin, "/api/batch-jobs/globex-job?tenant_id=globex")).GetProperty("enabled").GetBoolean());
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE revoked_at IS NOT NULL"));
        await AssertProblem(await acme.PostAsync("/admin/functions/EvaluateBudgets", VigilApp.Json("{}")), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_tenants_rule_evaluates_only_its_tenants_data_and_its_alerts_and_global_rules_alerts_about_it_are_its_own()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        const string Rule = """{"metric":"error_rate","group_by":["bot"],"window":"5m","comparator":">","threshold":0.5,"min_samples":5,"severity":"warning"}""";
        using var acmeAdmin = app.Client(await app.CreateKeyAsync("admin", tenant: "acme"));
        using var globexAdmin = app.Client(await app.CreateKeyAsync("admin", tenant: "globex"));
        await Created(await acmeAdmin.PutAsync("/api/alert-rules/errors", VigilApp.Json(Rule)));
        await Created(await globexAdmin.PutAsync("/api/alert-rules/errors", VigilApp.Json(Rule)));

        Dictionary<string, object?> Call(string id, string tenant, bool ok, string model = "gpt-4o")
        {
            var e = Events.LlmCall(id, Now.AddSeconds(-10), bot: "shared_bot", model: model, tenant: tenant);
            e["success"] = ok;
            return e;
        }
        // globex's bot fails; acme's bot of the same name is healthy.
        await Traffic.PostAllAsync(admin, [
            .. Enumerable.Range(0, 10).Select(i => Call($"g{i}", "globex", ok: false)),
            .. Enumerable.Range(0, 10).Select(i => Call($"a{i}", "acme", ok: true)),
            Call("unpriced", "acme", ok: true, model: "in-house-llm"),
        ]);
        await app.RunFunctionAsync("ComputeRollups");
        await app.RunFunctionAsync("EvaluateAlerts");

        var acmeAlerts = (await Traffic.GetJsonAsync(acmeAdmin, "/api/alerts")).GetProperty("alerts").EnumerateArray().ToList();
        // acme's 'errors' did not fire on globex's failures; the global unpriced_model rule, grouped by tenant, fired about acme.
        var unpriced = Assert.Single(acmeAlerts);
        Assert.Equal("unpriced_model", unpriced.GetProperty("rule").GetString());
        Assert.Equal("acme", unpriced.GetProperty("tenant_id").GetString());
        Assert.Equal(JsonValueKind.Null, unpriced.GetProperty("rule_tenant_id").ValueKind);

        var globexAlerts = (await Traffic.GetJsonAsync(globexAdmin, "/api/alerts")).GetProperty("alerts").EnumerateArray().ToList();
        var errors = Assert.Single(globexAlerts);
        Assert.Equal("errors", errors.GetProperty("rule").GetString());
        Assert.Equal("globex", errors.GetProperty("tenant_id").GetString());
        Assert.Equal("globex", errors.GetProperty("rule_tenant_id").GetString());
        var errorsId = errors.GetProperty("id").GetString();
        await AssertProblem(await acmeAdmin.GetAsync($"/api/alerts/{errorsId}"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acmeAdmin.PostAsync($"/api/alerts/{errorsId}/ack", VigilApp.Json("{}")), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await globexAdmin.GetAsync($"/api/alerts/{unpriced.GetProperty("id").GetString()}"), HttpStatusCode.NotFound, "not-found");
        await AssertProblem(await acmeAdmin.GetAsync("/api/alerts?tenant_id=globex"), HttpStatusCode.Forbidden, "forbidden");
        // The global high_error_rate rule groups by bot only: shared_bot's group mixes both tenants' calls, so only unbound keys see it.
        var all = (await Traffic.GetJsonAsync(admin, "/api/alerts")).GetProperty("alerts").EnumerateArray().ToList();
        var mixed = Assert.Single(all, a => a.GetProperty("rule").GetString() == "high_error_rate");
        Assert.Equal(JsonValueKind.Null, mixed.GetProperty("tenant_id").ValueKind);
        Assert.Equal(3, all.Count);
        Assert.Equal(HttpStatusCode.OK, (await globexAdmin.PostAsync($"/api/alerts/{errorsId}/ack", VigilApp.Json("{}"))).StatusCode);
    }
}
