using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.Functions.Tests;

/// <summary>
/// The input hardening on the Functions app: its HTTP functions, composed as Program.cs composes
/// them over the real PostgreSQL, called as the worker calls them, and their results executed into
/// a response as the ASP.NET Core integration does. (What the Functions host answers itself, before
/// the worker, is the host's: see docs/hardening.md.)
/// </summary>
public sealed class FunctionsInputTests : IAsyncLifetime
{
    private readonly string _adminKey = "admin-" + Guid.NewGuid().ToString("N");
    private ServiceProvider _services = null!;
    private HttpFunctions _functions = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = _adminKey,
        }).Build();
        _services = FunctionsApp.Services(configuration);
        foreach (var hosted in _services.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);
        _functions = ActivatorUtilities.CreateInstance<HttpFunctions>(_services);
    }

    public async Task DisposeAsync() => await _services.DisposeAsync();

    [Fact]
    public async Task A_lone_surrogate_in_one_item_rejects_that_item_and_stores_the_rest()
    {
        var now = Events.Ts(DateTimeOffset.UtcNow);
        var body = $$"""[{"event_id":"ok","type":"tool_call","timestamp":"{{now}}","bot":"b","tool_name":"t","duration_ms":1},{"event_id":"bad","type":"tool_call","timestamp":"{{now}}","bot":"b","tool_name":"\ud800","duration_ms":1}]""";
        var (status, json, _) = await SendAsync((f, r) => f.PostEvents(r), "POST", "/api/events", Encoding.UTF8.GetBytes(body));
        Assert.Equal(207, status);
        Assert.Equal(1, json.GetProperty("accepted").GetInt32());
        Assert.Equal(1, json.GetProperty("errors")[0].GetProperty("index").GetInt32());
    }

    [Fact]
    public async Task An_event_costing_more_than_the_per_event_bound_is_rejected_naming_the_setting()
    {
        var body = $$"""{"event_id":"e","type":"llm_call","timestamp":"{{Events.Ts(DateTimeOffset.UtcNow)}}","bot":"b","model":"gpt-4o","duration_ms":1,"cost_usd":1e20}""";
        var (status, json, _) = await SendAsync((f, r) => f.PostEvents(r), "POST", "/api/events", Encoding.UTF8.GetBytes(body));
        Assert.Equal(400, status);
        Assert.Contains("Vigil:Ingest:MaxEventCostUsd", json.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_nul_in_a_document_is_a_400_naming_the_field_and_a_bom_is_accepted()
    {
        var (status, json, _) = await SendAsync((f, r) => f.PutBatchJob(r, "nightly"), "PUT", "/api/batch-jobs/nightly", Encoding.UTF8.GetBytes("""{"description":"a\u0000b"}"""));
        Assert.Equal(400, status);
        Assert.True(json.GetProperty("errors").TryGetProperty("description", out _));
        var (created, _, _) = await SendAsync((f, r) => f.PutBatchJob(r, "nightly"), "PUT", "/api/batch-jobs/nightly", [0xEF, 0xBB, 0xBF, .. """{"description":"ok"}"""u8.ToArray()]);
        Assert.Equal(201, created);
    }

    [Fact]
    public async Task A_query_value_with_a_nul_is_a_400_naming_the_parameter()
    {
        var (status, json, _) = await SendAsync((f, r) => f.GetLatency(r), "GET", "/api/metrics/latency", null, query: "?bot=x%00y");
        Assert.Equal(400, status);
        Assert.True(json.GetProperty("errors").TryGetProperty("bot", out _));
    }

    [Fact]
    public async Task A_control_character_in_a_route_value_is_a_400_not_a_storage_error()
    {
        var name = "a\u0001b";
        var (status, json, _) = await SendAsync((f, r) => f.GetAlertRule(r, name), "GET", $"/api/alert-rules/{name}", null);
        Assert.Equal(400, status);
        Assert.Equal("urn:vigil:problem:invalid-path", json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_batch_run_cost_beyond_the_money_columns_is_a_400()
    {
        Assert.Equal(201, (await SendAsync((f, r) => f.PutBatchJob(r, "nightly"), "PUT", "/api/batch-jobs/nightly", "{}"u8.ToArray())).Status);
        var (status, json, _) = await SendAsync((f, r) => f.StartBatchRun(r, "nightly"), "POST", "/api/batch-jobs/nightly/runs", """{"estimated_cost_usd":1e20}"""u8.ToArray());
        Assert.Equal(400, status);
        Assert.True(json.GetProperty("errors").TryGetProperty("estimated_cost_usd", out _));
    }

    [Theory]
    [InlineData(400, "Unexpected end of request content.")]
    [InlineData(408, "Reading the request body timed out due to data arriving too slowly.")]
    public async Task A_body_the_server_could_not_read_is_the_clients_error_not_a_500(int statusCode, string reason)
    {
        var (status, json, _) = await SendAsync((f, r) => f.PostEvents(r), "POST", "/api/events", null, body: new FailingStream(new BadHttpRequestException(reason, statusCode)));
        Assert.Equal(statusCode, status);
        Assert.Equal(reason, json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Responses_say_nosniff_and_the_key_creation_response_is_never_cached()
    {
        var (status, _, headers) = await SendAsync((f, r) => f.CreateKey(r), "POST", "/api/keys", """{"name":"k","role":"read"}"""u8.ToArray());
        Assert.Equal(201, status);
        Assert.Equal("no-store", headers.CacheControl.ToString());
        Assert.Equal("nosniff", headers.XContentTypeOptions.ToString());
        var (_, _, health) = await SendAsync((f, r) => f.GetHealth(r), "HEAD", "/api/health", null, authorize: false);
        Assert.Equal("nosniff", health.XContentTypeOptions.ToString());
    }

    /// <summary>Invokes a function as the worker does and executes its result into a response.</summary>
    private async Task<(int Status, JsonElement Json, IHeaderDictionary Headers)> SendAsync(Func<HttpFunctions, HttpRequest, Task<IResult>> function,
        string method, string path, byte[]? json, string query = "", Stream? body = null, bool authorize = true)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        if (authorize) context.Request.Headers.Authorization = $"Bearer {_adminKey}";
        if (json is not null || body is not null)
        {
            context.Request.ContentType = "application/json";
            context.Request.Body = body ?? new MemoryStream(json!);
            if (json is not null) context.Request.ContentLength = json.Length;
            else context.Request.Headers.TransferEncoding = "chunked";
        }
        var response = new MemoryStream();
        context.Response.Body = response;
        var result = await function(_functions, context.Request);
        await result.ExecuteAsync(context);
        var text = Encoding.UTF8.GetString(response.ToArray());
        return (context.Response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), context.Response.Headers);
    }

    /// <summary>A request body whose read fails as Kestrel's does for a broken or too slow body.</summary>
    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw failure;
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(failure);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
