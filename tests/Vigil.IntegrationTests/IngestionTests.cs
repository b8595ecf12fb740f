using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

public class IngestionTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static async Task<JsonElement> Body(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task A_batch_of_1000_is_stored_once_and_repeating_it_only_counts_duplicates()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var batch = Events.Batch(Enumerable.Range(0, 1000).Select(i => Events.LlmCall($"evt-{i}", Now.AddSeconds(-i))));

        var first = await client.PostAsync("/api/events", VigilApp.Json(batch));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var body = await Body(first);
        Assert.Equal(1000, body.GetProperty("received").GetInt32());
        Assert.Equal(1000, body.GetProperty("accepted").GetInt32());
        Assert.Equal(0, body.GetProperty("duplicates").GetInt32());
        Assert.Equal(0, body.GetProperty("rejected").GetInt32());
        Assert.Equal(0, body.GetProperty("errors").GetArrayLength());
        Assert.Equal(1000L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));

        var again = await client.PostAsync("/api/events", VigilApp.Json(batch));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var repeat = await Body(again);
        Assert.Equal(0, repeat.GetProperty("accepted").GetInt32());
        Assert.Equal(1000, repeat.GetProperty("duplicates").GetInt32());
        Assert.Equal(1000L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task A_repeat_with_a_different_timestamp_is_still_a_duplicate()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        await client.PostAsync("/api/events", VigilApp.Json(Events.One(Events.LlmCall("same", Now.AddMinutes(-3)))));
        var again = await Body(await client.PostAsync("/api/events", VigilApp.Json(Events.One(Events.LlmCall("same", Now.AddDays(-2))))));
        Assert.Equal(1, again.GetProperty("duplicates").GetInt32());
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM events WHERE event_id = 'same'"));
    }

    [Fact]
    public async Task The_same_key_in_one_batch_is_stored_once_and_counted_as_a_duplicate()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var body = await Body(await client.PostAsync("/api/events", VigilApp.Json(Events.Batch([Events.LlmCall("x", Now), Events.LlmCall("x", Now), Events.LlmCall("y", Now)]))));
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(1, body.GetProperty("duplicates").GetInt32());
    }

    [Fact]
    public async Task Event_ids_are_scoped_per_tenant()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var body = await Body(await client.PostAsync("/api/events", VigilApp.Json(Events.Batch([Events.LlmCall("x", Now, tenant: "a"), Events.LlmCall("x", Now, tenant: "b")]))));
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Concurrent_requests_with_overlapping_events_store_each_event_exactly_once()
    {
        await using var app = await VigilApp.StartAsync();
        var batches = Enumerable.Range(0, 8).Select(b =>
            Events.Batch(Enumerable.Range(0, 400).Select(i => Events.LlmCall($"evt-{(b * 150) + i}", Now.AddSeconds(-i))).Reverse())).ToList();
        var responses = await Task.WhenAll(batches.Select(async batch =>
        {
            using var client = app.AdminClient();
            return await Body(await client.PostAsync("/api/events", VigilApp.Json(batch)));
        }));
        var distinct = batches.Count == 0 ? 0 : (7 * 150) + 400;
        Assert.Equal(distinct, responses.Sum(r => r.GetProperty("accepted").GetInt32()));
        Assert.Equal((8 * 400) - distinct, responses.Sum(r => r.GetProperty("duplicates").GetInt32()));
        Assert.Equal((long)distinct, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
        Assert.Equal((long)distinct, await app.ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM events"));
    }

    [Fact]
    public async Task Eight_clients_sending_the_same_5000_events_at_once_store_exactly_5000()
    {
        await using var app = await VigilApp.StartAsync();
        var batches = Enumerable.Range(0, 5).Select(b =>
            Events.Batch(Enumerable.Range(b * 1000, 1000).Select(i => Events.LlmCall($"same-{i}", Now.AddMilliseconds(-i))))).ToList();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async c =>
        {
            using var client = app.AdminClient();
            var bodies = new List<JsonElement>();
            // Each client sends the batches in its own order, so they collide on every key.
            foreach (var batch in c % 2 == 0 ? batches : Enumerable.Reverse(batches))
            {
                var response = await client.PostAsync("/api/events", VigilApp.Json(batch));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                bodies.Add(await Body(response));
            }
            return bodies;
        }));
        var all = responses.SelectMany(r => r).ToList();
        Assert.Equal(5000, all.Sum(r => r.GetProperty("accepted").GetInt32()));
        Assert.Equal(7 * 5000, all.Sum(r => r.GetProperty("duplicates").GetInt32()));
        Assert.Equal(5000L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
        Assert.Equal(5000L, await app.ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM events"));
    }

    [Fact]
    public async Task A_mixed_batch_answers_207_stores_the_valid_items_and_names_the_bad_ones_by_index()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var bad = Events.LlmCall("bad-1", Now);
        bad["bot"] = "Not A Bot";
        var old = Events.LlmCall("bad-2", Now.AddDays(-8));
        var response = await client.PostAsync("/api/events", VigilApp.Json(Events.Batch([Events.LlmCall("ok-0", Now), bad, Events.LlmCall("ok-2", Now), old])));

        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        var body = await Body(response);
        Assert.Equal(4, body.GetProperty("received").GetInt32());
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetInt32());
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal([1, 3], errors.Select(e => e.GetProperty("index").GetInt32()));
        Assert.Equal("bad-1", errors[0].GetProperty("event_id").GetString());
        Assert.Contains("bot must use only lower-case", errors[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("older than the 7d limit", errors[1].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(2L, await app.ScalarAsync<long>("SELECT count(*) FROM events WHERE event_id IN ('ok-0', 'ok-2')"));
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM events WHERE event_id LIKE 'bad-%'"));
    }

    [Fact]
    public async Task A_batch_where_every_item_is_rejected_answers_400_with_the_item_errors()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var response = await client.PostAsync("/api/events", VigilApp.Json("""[{"event_id":"a"},{"type":"feedback"}]"""));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await Body(response);
        Assert.Equal(400, body.GetProperty("status").GetInt32());
        Assert.Equal(2, body.GetProperty("rejected").GetInt32());
        Assert.Equal(0, body.GetProperty("accepted").GetInt32());
        Assert.Equal(2, body.GetProperty("errors").GetArrayLength());
    }

    [Theory]
    [InlineData("{\"event_id\": ", "invalid-json")]
    [InlineData("not json at all", "invalid-json")]
    [InlineData("42", "invalid-body")]
    [InlineData("\"text\"", "invalid-body")]
    public async Task A_body_that_is_not_an_event_or_array_answers_400_problem(string body, string slug)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var response = await client.PostAsync("/api/events", VigilApp.Json(body));
        await AssertProblem(response, HttpStatusCode.BadRequest, slug);
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData(null)]
    public async Task A_wrong_content_type_answers_415(string? contentType)
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(Events.One(Events.LlmCall("a", Now))));
        if (contentType is not null) content.Headers.ContentType = new(contentType);
        await AssertProblem(await client.PostAsync("/api/events", content), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task A_charset_parameter_of_utf8_is_accepted()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var content = new StringContent(Events.One(Events.LlmCall("a", Now)), Encoding.UTF8);
        content.Headers.ContentType = new("application/json") { CharSet = "UTF-8" };
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/events", content)).StatusCode);
    }

    [Fact]
    public async Task An_oversize_body_answers_413_whether_its_length_is_declared_or_streamed()
    {
        await using var app = await VigilApp.StartAsync(new Dictionary<string, string?> { ["Vigil:Ingest:MaxBodyBytes"] = "4096" });
        using var client = app.AdminClient();
        var big = Events.Batch(Enumerable.Range(0, 40).Select(i => Events.LlmCall($"e{i}", Now)));
        Assert.True(Encoding.UTF8.GetByteCount(big) > 4096);

        await AssertProblem(await client.PostAsync("/api/events", VigilApp.Json(big)), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");

        var streamed = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(big)));
        streamed.Headers.ContentType = new("application/json");
        await AssertProblem(await client.PostAsync("/api/events", streamed), HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task More_items_than_the_batch_limit_answers_413()
    {
        await using var app = await VigilApp.StartAsync(new Dictionary<string, string?> { ["Vigil:Ingest:MaxBatchItems"] = "10" });
        using var client = app.AdminClient();
        var response = await client.PostAsync("/api/events", VigilApp.Json(Events.Batch(Enumerable.Range(0, 11).Select(i => Events.LlmCall($"e{i}", Now)))));
        var body = await AssertProblem(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.Contains("at most 10", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_or_unknown_keys_answer_401_and_wrong_roles_403()
    {
        await using var app = await VigilApp.StartAsync();
        var payload = Events.One(Events.LlmCall("a", Now));
        using (var anonymous = app.Client())
        {
            var response = await anonymous.PostAsync("/api/events", VigilApp.Json(payload));
            await AssertProblem(response, HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        using (var stranger = app.Client("vgl_nosuchkey_abc"))
        {
            await AssertProblem(await stranger.PostAsync("/api/events", VigilApp.Json(payload)), HttpStatusCode.Unauthorized, "unauthorized");
        }
        using (var reader = app.Client(await app.CreateKeyAsync("read")))
        {
            await AssertProblem(await reader.PostAsync("/api/events", VigilApp.Json(payload)), HttpStatusCode.Forbidden, "forbidden");
        }
        using (var ingest = app.Client(await app.CreateKeyAsync("ingest")))
        {
            Assert.Equal(HttpStatusCode.OK, (await ingest.PostAsync("/api/events", VigilApp.Json(payload))).StatusCode);
        }
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task A_tenant_bound_key_writes_its_own_tenant_by_default_and_may_not_write_another()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.Client(await app.CreateKeyAsync("ingest", tenant: "acme"));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/events", VigilApp.Json(Events.One(Events.LlmCall("own", Now))))).StatusCode);
        Assert.Equal("acme", await app.ScalarAsync<string>("SELECT tenant_id FROM events WHERE event_id = 'own'"));

        var mixed = Events.Batch([Events.LlmCall("ok", Now, tenant: "acme"), Events.LlmCall("theirs", Now, tenant: "globex")]);
        var body = await AssertProblem(await client.PostAsync("/api/events", VigilApp.Json(mixed)), HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("globex", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task Costs_are_recorded_with_their_source()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var reported = Events.LlmCall("reported", Now);
        reported["cost_usd"] = 0.25;
        var computed = Events.LlmCall("computed", Now, model: "gpt-4o-mini-2024-07-18");
        var unpriced = Events.LlmCall("unpriced", Now, model: "in-house-llm");
        var tool = new Dictionary<string, object?> { ["event_id"] = "tool", ["type"] = "tool_call", ["timestamp"] = Events.Ts(Now), ["bot"] = "lead_bot", ["tool_name"] = "crm_lookup", ["duration_ms"] = 40 };
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/events", VigilApp.Json(Events.Batch([reported, computed, unpriced, tool])))).StatusCode);

        Assert.Equal("reported 0.2500000000", await app.ScalarAsync<string>("SELECT cost_source || ' ' || cost_usd FROM events WHERE event_id = 'reported'"));
        // 1200 input × $0.15 + 300 output × $0.60 per 1M
        Assert.Equal("computed 0.0003600000", await app.ScalarAsync<string>("SELECT cost_source || ' ' || cost_usd FROM events WHERE event_id = 'computed'"));
        Assert.Equal("unpriced 0.0000000000", await app.ScalarAsync<string>("SELECT cost_source || ' ' || cost_usd FROM events WHERE event_id = 'unpriced'"));
        Assert.True(await app.ScalarAsync<bool>("SELECT cost_source IS NULL AND cost_usd = 0 FROM events WHERE event_id = 'tool'"));
    }

    [Fact]
    public async Task Every_field_is_stored_as_sent()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.AdminClient();
        var json = $$"""
            {"event_id":"full","type":"handoff","timestamp":"{{Events.Ts(Now)}}","tenant_id":"t1","bot":"lead_bot","operation":"handoff",
             "conversation_id":"c1","trace_id":"tr1","user_id":"u1","duration_ms":88.5,"success":false,"error_type":"timeout",
             "cache_hit":false,"provider":"openai","model":"gpt-4o","input_tokens":10,"output_tokens":5,"cached_input_tokens":2,
             "ttft_ms":12,"target_bot":"buyer_bot","blocked":true,"quality_score":0.5,"degraded":true,"degradation_reason":"fallback",
             "batch_job":"nightly","batch_run_id":"r1","attributes":{"k":"v","n":2} }
            """;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/events", VigilApp.Json(json))).StatusCode);
        var row = await app.ScalarAsync<string>("""
            SELECT concat_ws('|', tenant_id, type, bot, operation, conversation_id, trace_id, user_id, duration_ms, success, error_type,
                cache_hit, provider, model, input_tokens, output_tokens, cached_input_tokens, ttft_ms, target_bot, blocked,
                quality_score, degraded, degradation_reason, batch_job, batch_run_id, attributes->>'k', attributes->>'n')
            FROM events WHERE event_id = 'full'
            """);
        Assert.Equal("t1|handoff|lead_bot|handoff|c1|tr1|u1|88.5|f|timeout|f|openai|gpt-4o|10|5|2|12|buyer_bot|t|0.5|t|fallback|nightly|r1|v|2", row);
    }

    internal static async Task<JsonElement> AssertProblem(HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await Body(response);
        Assert.Equal("urn:vigil:problem:" + slug, body.GetProperty("type").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", body.ToString(), StringComparison.Ordinal);
        return body;
    }

    /// <summary>A body without a known length, as a chunked upload arrives.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    }
}
