using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>
/// Values PostgreSQL would refuse (text it cannot store, numbers beyond the columns, costs beyond
/// the per-event bound) are decided before the write, on every route: the bad item or field is named
/// in a 4xx, and the valid items of a batch are stored.
/// </summary>
public class InputValidationTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static async Task<JsonElement> Body(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>A JSON body given as raw bytes (for invalid UTF-8 or a byte order mark).</summary>
    internal static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>999 valid events and, at index 500, the one given as raw JSON bytes.</summary>
    private static byte[] BatchAround(byte[] bad, string prefix)
    {
        var valid = Enumerable.Range(0, 999).Select(i => Events.One(Events.LlmCall($"{prefix}-{i}", Now.AddSeconds(-i)))).ToList();
        var bytes = new List<byte>("["u8.ToArray());
        for (var i = 0; i < 1000; i++)
        {
            if (i > 0) bytes.Add((byte)',');
            bytes.AddRange(i == 500 ? bad : Encoding.UTF8.GetBytes(valid[i < 500 ? i : i - 1]));
        }
        bytes.Add((byte)']');
        return [.. bytes];
    }

    private static byte[] Item(string id, string extraJson) =>
        Encoding.UTF8.GetBytes($$"""{"event_id":"{{id}}","type":"llm_call","timestamp":"{{Events.Ts(Now)}}","bot":"lead_bot","model":"gpt-4o","duration_ms":5{{extraJson}}}""");

    public static TheoryData<string, byte[]> UnstorableItems() => new()
    {
        { "a lone surrogate in a field", Item("bad", ""","operation":"x\ud800y" """) },
        { "a lone surrogate in an attribute", Item("bad", ""","attributes":{"k":"\udc00"}""") },
        { "invalid UTF-8 in an attribute value", [.. Item("bad", ""","attributes":{"k":"x""")[..^1], 0xFF, 0xFE, .. "\"}}"u8.ToArray()] },
        { "invalid UTF-8 in a property name", [.. Item("bad", ""","attributes":{"x""")[..^1], 0xC3, .. "\":1}}"u8.ToArray()] },
        { "a NUL in an attribute value", Item("bad", ""","attributes":{"k":"a\u0000b"}""") },
        { "a NUL in an attribute name", Item("bad", ""","attributes":{"a\u0000b":"v"}""") },
        { "a NUL in the tenant", Item("bad", ""","tenant_id":"t\u0000" """) },
        { "input_tokens of 10^16", Item("bad", ""","input_tokens":10000000000000000""") },
        { "cost_usd of 1e20", Item("bad", ""","cost_usd":1e20""") },
        { "an attribute number beyond a double", Item("bad", ""","attributes":{"n":1e400}""") },
        { "an attribute number that underflows", Item("bad", ""","attributes":{"n":1e-20000}""") },
        { "an attribute zero numeric cannot hold", Item("bad", ""","attributes":{"n":0e-99999}""") },
    };

    [Theory]
    [MemberData(nameof(UnstorableItems))]
    public async Task One_unstorable_item_in_a_batch_of_1000_is_rejected_by_index_and_the_999_others_are_stored(string what, byte[] bad)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var batch = BatchAround(bad, "ok");

        var response = await client.PostAsync("/api/events", Bytes(batch));
        Assert.True(response.StatusCode == HttpStatusCode.MultiStatus, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await Body(response);
        Assert.Equal(999, body.GetProperty("accepted").GetInt32());
        var error = Assert.Single(body.GetProperty("errors").EnumerateArray());
        Assert.Equal(500, error.GetProperty("index").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(999L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));

        // A retry of the same batch (as a client does after a failure) stores nothing twice.
        var again = await Body(await client.PostAsync("/api/events", Bytes(batch)));
        Assert.Equal(999, again.GetProperty("duplicates").GetInt32());
        Assert.Equal(999L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task A_lone_surrogate_in_one_item_rejects_that_item_with_its_event_id_and_stores_the_rest()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var body = $"[{Events.One(Events.LlmCall("ok-1", Now))},{Encoding.UTF8.GetString(Item("bad-1", ""","operation":"\ud800" """))}]";
        var response = await client.PostAsync("/api/events", VigilApp.Json(body));
        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        var error = Assert.Single((await Body(response)).GetProperty("errors").EnumerateArray());
        Assert.Equal("bad-1", error.GetProperty("event_id").GetString());
        Assert.Contains("operation is not valid UTF-8", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"input_tokens":1000000000000000}""", "MaxTokensPerEvent")]
    [InlineData("""{"output_tokens":10000001}""", "MaxTokensPerEvent")]
    [InlineData("""{"cost_usd":100.01}""", "MaxEventCostUsd")]
    [InlineData("""{"model":"o1","input_tokens":9000000}""", "MaxEventCostUsd")]
    public async Task An_event_beyond_the_cost_or_token_bound_is_rejected_naming_the_bound_and_its_setting(string fields, string setting)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var ev = Events.LlmCall("huge", Now);
        foreach (var p in JsonDocument.Parse(fields).RootElement.EnumerateObject()) ev[p.Name] = p.Value.Clone();
        var response = await client.PostAsync("/api/events", VigilApp.Json(Events.One(ev)));
        var problem = await IngestionTests.AssertProblem(response, HttpStatusCode.BadRequest, "events-rejected");
        var message = problem.GetProperty("errors")[0].GetProperty("message").GetString();
        Assert.Contains($"Vigil:Ingest:{setting}", message, StringComparison.Ordinal);
        Assert.Contains(setting == "MaxEventCostUsd" ? "$100" : "10,000,000", message, StringComparison.Ordinal);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task The_per_event_cost_bound_is_a_setting()
    {
        await using var app = await VigilApp.StartAsync(new Dictionary<string, string?> { ["Vigil:Ingest:MaxEventCostUsd"] = "1000" });
        using var client = app.AdminClient();
        var ev = Events.LlmCall("pricey", Now);
        ev["model"] = "o1";
        ev["input_tokens"] = 9_000_000;
        ev["output_tokens"] = 0;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/events", VigilApp.Json(Events.One(ev)))).StatusCode);
        Assert.Equal(135m, await app.ScalarAsync<decimal>("SELECT cost_usd FROM events"));
    }

    [Fact]
    public async Task One_absurd_event_from_a_tenant_key_adds_nothing_to_a_global_budget()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var budget = """{"amount_usd":2000,"thresholds":[{"percent":100,"actions":["disable_batch_jobs"]}],"batch_jobs":"all"}""";
        Assert.True((await admin.PutAsync("/api/budgets/monthly", VigilApp.Json(budget))).IsSuccessStatusCode);
        using var acme = app.Client(await app.CreateKeyAsync("ingest", "acme"));
        var ev = Events.LlmCall("absurd", Now);
        ev["input_tokens"] = 1_000_000_000_000_000;
        await IngestionTests.AssertProblem(await acme.PostAsync("/api/events", VigilApp.Json(Events.One(ev))), HttpStatusCode.BadRequest, "events-rejected");

        await app.RunFunctionAsync("ComputeRollups");
        var status = await Body(await admin.GetAsync("/api/budgets/monthly"));
        Assert.Equal(0m, status.GetProperty("spent_usd").GetDecimal());
    }

    [Theory]
    [InlineData("""{"n":1e308,"m":1e-320,"z":-0,"e":0e-300,"i":9223372036854775807}""")]
    public async Task Extreme_but_storable_attribute_numbers_are_stored(string attributes)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var response = await client.PostAsync("/api/events", VigilApp.Json(Encoding.UTF8.GetString(Item("n", $",\"attributes\":{attributes}"))));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task A_utf8_byte_order_mark_before_a_json_body_is_accepted()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        byte[] bom = [0xEF, 0xBB, 0xBF];
        var events = await client.PostAsync("/api/events", Bytes([.. bom, .. Encoding.UTF8.GetBytes(Events.One(Events.LlmCall("bom", Now)))]));
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
        var job = await client.PutAsync("/api/batch-jobs/nightly", Bytes([.. bom, .. """{"description":"with a BOM"}"""u8.ToArray()]));
        Assert.Equal(HttpStatusCode.Created, job.StatusCode);
    }

    [Fact]
    public async Task Nesting_deeper_than_the_parser_allows_is_a_400_on_every_body()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var deep = new string('[', 200) + new string(']', 200);
        await IngestionTests.AssertProblem(await client.PostAsync("/api/events", VigilApp.Json(deep)), HttpStatusCode.BadRequest, "invalid-json");
        var deepObject = "{\"description\":" + deep + "}";
        await IngestionTests.AssertProblem(await client.PutAsync("/api/batch-jobs/deep", VigilApp.Json(deepObject)), HttpStatusCode.BadRequest, "invalid-json");
    }

    public static TheoryData<string, string, byte[], string> UnstorableDocuments() => new()
    {
        { "PUT", "/api/alert-rules/nul-rule", Encoding.UTF8.GetBytes("""{"metric":"error_rate","comparator":">","threshold":0.1,"severity":"warning","description":"a\u0000b"}"""), "description" },
        { "PUT", "/api/alert-rules/surrogate", Encoding.UTF8.GetBytes("""{"metric":"error_rate","comparator":">","threshold":0.1,"severity":"warning","filters":{"bot":"\ud800"}}"""), "filters.bot" },
        { "POST", "/api/keys", Encoding.UTF8.GetBytes("""{"name":"n\u0000","role":"read"}"""), "name" },
        { "POST", "/api/keys", Encoding.UTF8.GetBytes("""{"name":"n","role":"read","tenant_id":"t\u0000"}"""), "tenant_id" },
        { "PUT", "/api/batch-jobs/utf8", [.. "{\"description\":\"x"u8.ToArray(), 0xFF, .. "\"}"u8.ToArray()], "description" },
        { "PUT", "/api/budgets/b", Encoding.UTF8.GetBytes("""{"amount_usd":10,"filters":{"bot":["ok","\udfff"]}}"""), "filters.bot[1]" },
        { "PUT", "/api/budgets/tiny", Encoding.UTF8.GetBytes("""{"amount_usd":1e-320}"""), "amount_usd" },
        { "PUT", "/api/sla-targets/bot/op", Encoding.UTF8.GetBytes("""{"p50_ms":1,"p95_ms":2,"p99_ms":1e300}"""), "p99_ms" },
        { "PUT", "/api/alert-rules/long-window", Encoding.UTF8.GetBytes("""{"metric":"error_rate","comparator":">","threshold":0.1,"severity":"warning","window":"999999999w"}"""), "window" },
    };

    [Theory]
    [MemberData(nameof(UnstorableDocuments))]
    public async Task A_document_with_a_value_postgres_would_refuse_is_a_400_naming_the_field(string method, string path, byte[] body, string field)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Bytes(body) });
        var problem = await IngestionTests.AssertProblem(response, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task Batch_run_costs_beyond_the_money_columns_are_a_400()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/batch-jobs/nightly", VigilApp.Json("{}"))).StatusCode);
        await IngestionTests.AssertProblem(await client.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("""{"estimated_cost_usd":1e20}""")), HttpStatusCode.BadRequest, "validation");
        var run = await Body(await client.PostAsync("/api/batch-jobs/nightly/runs", VigilApp.Json("{}")));
        var id = run.GetProperty("run_id").GetString();
        var complete = await client.PostAsync($"/api/batch-jobs/nightly/runs/{id}/complete", VigilApp.Json("""{"succeeded":1,"failed":0,"cost_usd":1e20}"""));
        await IngestionTests.AssertProblem(complete, HttpStatusCode.BadRequest, "validation");
    }

    [Theory]
    [InlineData("/api/metrics/latency?bot=x%00y", "bot")]
    [InlineData("/api/metrics/summary?operation=a%01b", "operation")]
    [InlineData("/api/metrics/cost?window=999999999w", "window")]
    [InlineData("/api/alerts?rule=r%00", "rule")]
    public async Task A_query_value_with_a_control_character_or_an_impossible_window_is_a_400_naming_the_parameter(string url, string parameter)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var problem = await IngestionTests.AssertProblem(await client.GetAsync(url), HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), problem.ToString());
    }

    [Fact]
    public async Task A_control_character_in_a_route_value_is_a_400_not_a_500()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        // (A %00 never reaches the app: ASP.NET Core's path decoder refuses it, see ProtocolErrorTests.)
        foreach (var url in new[] { "/api/alert-rules/a%01b", "/api/budgets/b%1F", "/api/batch-jobs/j%01/runs", "/api/keys/k%7F" })
        {
            var method = url.StartsWith("/api/keys", StringComparison.Ordinal) ? HttpMethod.Delete : HttpMethod.Get;
            var response = await client.SendAsync(new HttpRequestMessage(method, url));
            await IngestionTests.AssertProblem(response, HttpStatusCode.BadRequest, "invalid-path");
        }
    }

    [Fact]
    public async Task Every_response_says_nosniff_and_no_store_and_head_on_health_answers()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var created = await client.PostAsync("/api/keys", VigilApp.Json("""{"name":"k","role":"read"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(created.Headers.CacheControl?.NoStore, "the key-creation response carries the plaintext key");
        foreach (var response in new[] { created, await client.GetAsync("/api/health"), await client.GetAsync("/api/nowhere"), await client.DeleteAsync("/api/health") })
        {
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        }
        var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/api/health"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        await IngestionTests.AssertProblem(await client.GetAsync("/api/nowhere"), HttpStatusCode.NotFound, "not-found");
        await IngestionTests.AssertProblem(await client.DeleteAsync("/api/health"), HttpStatusCode.MethodNotAllowed, "method-not-allowed");
    }

    [Fact]
    public async Task A_presented_key_with_control_characters_is_unknown_not_a_storage_error()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.Client();
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/keys");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer vgl_a\u0001b_c");
        await IngestionTests.AssertProblem(await client.SendAsync(request), HttpStatusCode.Unauthorized, "unauthorized");
    }
}
