using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Core.Auth;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.Functions.Tests;

/// <summary>
/// The Functions app's own HTTP functions (HttpFunctions, as the worker invokes them), composed as
/// Program.cs composes it over a schema of its own, scope tenant-bound keys just as the local host
/// does: the handlers are shared, and this proves the Functions path reaches them with the key's tenant.
/// </summary>
public sealed class TenancyFunctionsTests : IAsyncLifetime
{
    private ServiceProvider _services = null!;
    private HttpFunctions _functions = null!;
    private string _admin = null!;

    public async Task InitializeAsync()
    {
        _admin = "admin-" + Guid.NewGuid().ToString("N");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = _admin,
        }).Build();
        _services = FunctionsApp.Services(configuration);
        foreach (var hosted in _services.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);
        _functions = ActivatorUtilities.CreateInstance<HttpFunctions>(_services);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    private async Task<string> KeyAsync(ApiRole role, string? tenant) =>
        (await _services.GetRequiredService<ApiKeyService>().CreateAsync("functions test", role, tenant, null, CancellationToken.None)).PlainKey;

    private HttpRequest Request(string key, string method, string path, string? json = null)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        context.Request.Path = query < 0 ? path : path[..query];
        if (query >= 0) context.Request.QueryString = new QueryString(path[query..]);
        context.Request.Headers.Authorization = $"Bearer {key}";
        if (json is not null)
        {
            var body = Encoding.UTF8.GetBytes(json);
            context.Request.ContentType = "application/json";
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        }
        context.Response.Body = new MemoryStream();
        return context.Request;
    }

    /// <summary>Runs the function's result as the worker would write it: status and JSON body.</summary>
    private static async Task<(int Status, JsonElement Body)> AnswerAsync(HttpRequest request, Task<IResult> function)
    {
        await (await function).ExecuteAsync(request.HttpContext);
        var response = request.HttpContext.Response;
        response.Body.Position = 0;
        return (response.StatusCode, (await JsonDocument.ParseAsync(response.Body)).RootElement.Clone());
    }

    [Fact]
    public async Task The_functions_show_a_tenants_key_only_its_tenants_budgets_and_jobs_and_no_other_tenants_by_name()
    {
        foreach (var tenant in new[] { "acme", "globex" })
        {
            var put = Request(_admin, "PUT", $"/api/budgets/{tenant}-budget?tenant_id={tenant}", """{"amount_usd":50,"batch_jobs":"all"}""");
            Assert.Equal(201, (await AnswerAsync(put, _functions.PutBudget(put, $"{tenant}-budget"))).Status);
            var job = Request(_admin, "PUT", $"/api/batch-jobs/{tenant}-job", $$"""{"tenant_id":"{{tenant}}"}""");
            Assert.Equal(201, (await AnswerAsync(job, _functions.PutBatchJob(job, $"{tenant}-job"))).Status);
        }
        var acme = await KeyAsync(ApiRole.Admin, "acme");

        var list = Request(acme, "GET", "/api/budgets");
        var (status, budgets) = await AnswerAsync(list, _functions.ListBudgets(list));
        Assert.Equal(200, status);
        Assert.Equal(["acme-budget"], budgets.GetProperty("budgets").EnumerateArray().Select(b => b.GetProperty("name").GetString()));

        var other = Request(acme, "GET", "/api/budgets/globex-budget");
        Assert.Equal(404, (await AnswerAsync(other, _functions.GetBudget(other, "globex-budget"))).Status);
        var jobs = Request(acme, "GET", "/api/batch-jobs");
        var (_, jobList) = await AnswerAsync(jobs, _functions.ListBatchJobs(jobs));
        Assert.Equal(["acme-job"], jobList.GetProperty("batch_jobs").EnumerateArray().Select(j => j.GetProperty("name").GetString()));
        var forbidden = Request(acme, "GET", "/api/batch-jobs?tenant_id=globex");
        Assert.Equal(403, (await AnswerAsync(forbidden, _functions.ListBatchJobs(forbidden))).Status);
    }

    [Fact]
    public async Task The_functions_let_a_tenants_ingest_key_start_its_own_runs_only_and_its_admin_mint_only_its_own_keys()
    {
        var put = Request(_admin, "PUT", "/api/batch-jobs/nightly?tenant_id=globex", "{}");
        Assert.Equal(201, (await AnswerAsync(put, _functions.PutBatchJob(put, "nightly"))).Status);
        var ingest = await KeyAsync(ApiRole.Ingest, "acme");

        var theirs = Request(ingest, "POST", "/api/batch-jobs/nightly/runs", "{}");
        Assert.Equal(404, (await AnswerAsync(theirs, _functions.StartBatchRun(theirs, "nightly"))).Status);
        var own = Request(_admin, "PUT", "/api/batch-jobs/nightly?tenant_id=acme", "{}");
        Assert.Equal(201, (await AnswerAsync(own, _functions.PutBatchJob(own, "nightly"))).Status);
        var start = Request(ingest, "POST", "/api/batch-jobs/nightly/runs", "{}");
        var (status, run) = await AnswerAsync(start, _functions.StartBatchRun(start, "nightly"));
        Assert.Equal(201, status);
        Assert.Equal("acme", run.GetProperty("tenant_id").GetString());

        var admin = await KeyAsync(ApiRole.Admin, "acme");
        var create = Request(admin, "POST", "/api/keys", """{"name":"minted","role":"admin"}""");
        var (created, key) = await AnswerAsync(create, _functions.CreateKey(create));
        Assert.Equal(201, created);
        Assert.Equal("acme", key.GetProperty("tenant_id").GetString());
        var keys = Request(admin, "GET", "/api/keys");
        var (_, listed) = await AnswerAsync(keys, _functions.ListKeys(keys));
        Assert.All(listed.GetProperty("keys").EnumerateArray(), k => Assert.Equal("acme", k.GetProperty("tenant_id").GetString()));
    }
}
