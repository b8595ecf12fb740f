using System.Text.Json;
using Vigil.Core.Events;

namespace Vigil.Core.Tests;

public class EventParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static ParsedBatch Parse(string json, string defaultTenant = "default")
    {
        using var document = JsonDocument.Parse(json);
        return EventParser.Parse(document.RootElement, new ParseContext(Now, defaultTenant, new IngestOptions()));
    }

    private static string Llm(string extra = "", string timestamp = "2026-11-21T11:59:00Z") =>
        $$"""{"event_id":"e1","type":"llm_call","timestamp":"{{timestamp}}","bot":"lead_bot","model":"gpt-4o","duration_ms":12.5{{extra}}}""";

    private static string SingleError(string json)
    {
        var batch = Parse(json);
        Assert.Empty(batch.Valid);
        return Assert.Single(batch.Errors).Message;
    }

    [Fact]
    public void A_complete_llm_call_is_read_field_by_field()
    {
        var batch = Parse(Llm(""","operation":"process","input_tokens":100,"output_tokens":20,"cached_input_tokens":40,"ttft_ms":3,"cache_hit":true,"success":false,"error_type":"timeout","attributes":{"region":"eu","shard":3}"""));
        var (index, ev) = Assert.Single(batch.Valid);
        Assert.Equal(0, index);
        Assert.Equal("e1", ev.EventId);
        Assert.Equal(EventType.LlmCall, ev.Type);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 11, 59, 0, TimeSpan.Zero), ev.Timestamp);
        Assert.Equal("default", ev.TenantId);
        Assert.Equal("process", ev.Operation);
        Assert.Equal(12.5, ev.DurationMs);
        Assert.Equal(100, ev.InputTokens);
        Assert.Equal(40, ev.CachedInputTokens);
        Assert.False(ev.Success);
        Assert.Equal("timeout", ev.ErrorType);
        Assert.True(ev.CacheHit);
        Assert.Equal("""{"region":"eu","shard":3}""", ev.AttributesJson);
    }

    [Fact]
    public void Success_defaults_to_true_and_tenant_to_the_callers_default()
    {
        var ev = Assert.Single(Parse(Llm(), defaultTenant: "acme").Valid).Event;
        Assert.True(ev.Success);
        Assert.Equal("acme", ev.TenantId);
    }

    [Theory]
    [InlineData("""{"type":"llm_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","model":"m","duration_ms":1}""", "event_id is required")]
    [InlineData("""{"event_id":"e","timestamp":"2026-11-21T11:59:00Z","bot":"b","duration_ms":1}""", "type is required")]
    [InlineData("""{"event_id":"e","type":"llm","timestamp":"2026-11-21T11:59:00Z","bot":"b","duration_ms":1}""", "type must be one of")]
    [InlineData("""{"event_id":"e","type":"tool_call","bot":"b","tool_name":"t","duration_ms":1}""", "timestamp is required")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21 11:59:00","bot":"b","tool_name":"t","duration_ms":1}""", "RFC 3339")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00","bot":"b","tool_name":"t","duration_ms":1}""", "RFC 3339")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-10T11:59:00Z","bot":"b","tool_name":"t","duration_ms":1}""", "older than the 7d limit")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T12:10:00Z","bot":"b","tool_name":"t","duration_ms":1}""", "10m in the future")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","tool_name":"t","duration_ms":1}""", "bot is required")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"Lead Bot","tool_name":"t","duration_ms":1}""", "bot must use only lower-case")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t"}""", "duration_ms is required for tool_call events")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","duration_ms":1}""", "tool_name is required for tool_call events")]
    [InlineData("""{"event_id":"e","type":"llm_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","duration_ms":1}""", "model is required for llm_call events")]
    [InlineData("""{"event_id":"e","type":"handoff","timestamp":"2026-11-21T11:59:00Z","bot":"b","duration_ms":1}""", "target_bot is required for handoff events")]
    [InlineData("""{"event_id":"e","type":"feedback","timestamp":"2026-11-21T11:59:00Z","bot":"b"}""", "rating is required for feedback events")]
    [InlineData("""{"event_id":"e","type":"feedback","timestamp":"2026-11-21T11:59:00Z","bot":"b","rating":"meh"}""", "rating must be \"positive\" or \"negative\"")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":-1}""", "duration_ms must be 0 or more")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":"5"}""", "duration_ms must be a number")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":1,"input_tokens":1.5}""", "input_tokens must be a whole number")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":1,"success":"yes"}""", "success must be true or false")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":1,"quality_score":1.2}""", "quality_score must be between 0 and 1")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":1,"cache_hits":true}""", "unknown field 'cache_hits'")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":1,"attributes":[1]}""", "attributes must be an object")]
    [InlineData("""{"event_id":"e","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":1,"attributes":{"a":{"b":1}}}""", "attribute 'a' must be a string or a number")]
    [InlineData("""{"event_id":"e","type":"llm_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","model":"m","duration_ms":1,"input_tokens":10,"cached_input_tokens":11}""", "cached_input_tokens (11) cannot exceed input_tokens (10)")]
    [InlineData("""{"event_id":"","type":"tool_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","tool_name":"t","duration_ms":1}""", "event_id must not be empty")]
    public void Each_broken_rule_is_named_in_plain_words(string json, string expected) =>
        Assert.Contains(expected, SingleError(json), StringComparison.Ordinal);

    [Fact]
    public void Length_limits_follow_the_contract()
    {
        var longId = new string('x', 129);
        Assert.Contains("event_id must be at most 128 characters (got 129)", SingleError(Llm().Replace("\"e1\"", $"\"{longId}\"", StringComparison.Ordinal)), StringComparison.Ordinal);
        var longTenant = new string('t', 65);
        Assert.Contains("tenant_id must be at most 64", SingleError(Llm($",\"tenant_id\":\"{longTenant}\"")), StringComparison.Ordinal);
        Assert.Single(Parse(Llm().Replace("\"e1\"", $"\"{new string('x', 128)}\"", StringComparison.Ordinal)).Valid);
    }

    [Fact]
    public void Attributes_are_limited_to_32_values()
    {
        var ok = string.Join(",", Enumerable.Range(0, 32).Select(i => $"\"k{i}\":{i}"));
        Assert.Single(Parse(Llm($",\"attributes\":{{{ok}}}")).Valid);
        var tooMany = string.Join(",", Enumerable.Range(0, 33).Select(i => $"\"k{i}\":{i}"));
        Assert.Contains("at most 32 values (got 33)", SingleError(Llm($",\"attributes\":{{{tooMany}}}")), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_an_item_is_reported_together()
    {
        var message = SingleError("""{"event_id":"e","type":"llm_call","timestamp":"nope","bot":"B"}""");
        Assert.Contains("RFC 3339", message, StringComparison.Ordinal);
        Assert.Contains("bot must use only", message, StringComparison.Ordinal);
        Assert.Contains("duration_ms is required", message, StringComparison.Ordinal);
        Assert.Contains("model is required", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_keeps_valid_items_and_reports_bad_ones_by_index()
    {
        var batch = Parse($"[{Llm()}, 7, {Llm().Replace("lead_bot", "Bad", StringComparison.Ordinal)}, {Llm().Replace("e1", "e2", StringComparison.Ordinal)}]");
        Assert.Equal(4, batch.Received);
        Assert.Equal([0, 3], batch.Valid.Select(v => v.Index));
        Assert.Equal([1, 2], batch.Errors.Select(e => e.Index));
        Assert.Null(batch.Errors[0].EventId);
        Assert.Equal("e1", batch.Errors[1].EventId);
        Assert.Contains("must be a JSON object, not a number", batch.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenTelemetry_genai_names_are_understood_at_the_top_level()
    {
        var ev = Assert.Single(Parse("""
            {"event_id":"e","type":"llm_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","duration_ms":1,
             "gen_ai.request.model":"claude-sonnet-4-5","gen_ai.provider.name":"anthropic",
             "gen_ai.usage.input_tokens":900,"gen_ai.usage.output_tokens":80,"gen_ai.usage.cache_read.input_tokens":300}
            """).Valid).Event;
        Assert.Equal("claude-sonnet-4-5", ev.Model);
        Assert.Equal("anthropic", ev.Provider);
        Assert.Equal(900, ev.InputTokens);
        Assert.Equal(80, ev.OutputTokens);
        Assert.Equal(300, ev.CachedInputTokens);
    }

    [Fact]
    public void OpenTelemetry_names_inside_attributes_fill_missing_fields_and_stay_stored()
    {
        var ev = Assert.Single(Parse("""
            {"event_id":"e","type":"llm_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","duration_ms":1,
             "attributes":{"gen_ai.response.model":"gpt-4o-2024-08-06","gen_ai.usage.input_tokens":5,"gen_ai.system":"openai"}}
            """).Valid).Event;
        Assert.Equal("gpt-4o-2024-08-06", ev.Model);
        Assert.Equal(5, ev.InputTokens);
        Assert.Equal("openai", ev.Provider);
        Assert.Contains("gen_ai.system", ev.AttributesJson, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_and_its_alias_must_agree()
    {
        Assert.Contains("model and gen_ai.request.model disagree", SingleError(Llm(",\"gen_ai.request.model\":\"o3\"")), StringComparison.Ordinal);
        Assert.Single(Parse(Llm(",\"gen_ai.request.model\":\"gpt-4o\"")).Valid);
    }

    [Fact]
    public void Null_optional_fields_count_as_absent()
    {
        var ev = Assert.Single(Parse(Llm(",\"operation\":null,\"cost_usd\":null")).Valid).Event;
        Assert.Null(ev.Operation);
        Assert.Null(ev.ReportedCostUsd);
    }

    [Fact]
    public void Timestamps_with_offsets_and_nanoseconds_become_utc()
    {
        var ev = Assert.Single(Parse(Llm(timestamp: "2026-11-21T13:59:00.123456789+02:00")).Valid).Event;
        Assert.Equal(TimeSpan.Zero, ev.Timestamp.Offset);
        Assert.Equal(new DateTime(2026, 11, 21, 11, 59, 0, DateTimeKind.Utc).AddTicks(1234567), ev.Timestamp.UtcDateTime);
    }

    [Fact]
    public void Feedback_needs_no_duration()
    {
        var ev = Assert.Single(Parse("""{"event_id":"f","type":"feedback","timestamp":"2026-11-21T11:59:00Z","bot":"b","rating":"negative"}""").Valid).Event;
        Assert.False(ev.PositiveRating);
        Assert.Null(ev.DurationMs);
    }

    [Fact]
    public void A_message_needs_a_conversation_and_text_and_keeps_its_role()
    {
        var batch = Parse("""{"event_id":"m1","type":"message","timestamp":"2026-11-21T11:59:00Z","bot":"lead_bot","conversation_id":"c1","role":"bot","text":"Hello\nthere"}""");
        var (_, ev) = Assert.Single(batch.Valid);
        Assert.Equal(EventType.Message, ev.Type);
        Assert.Equal(Vigil.Core.Conversations.MessageRole.Bot, ev.Role);
        Assert.Equal("Hello\nthere", ev.Text);
        Assert.Null(ev.DurationMs);

        var error = SingleError("""{"event_id":"m2","type":"message","timestamp":"2026-11-21T11:59:00Z","bot":"lead_bot","role":"agent"}""");
        Assert.Contains("conversation_id is required for message events", error, StringComparison.Ordinal);
        Assert.Contains("text is required for message events", error, StringComparison.Ordinal);
        Assert.Contains("role must be \"user\" or \"bot\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Message_text_over_8000_characters_is_refused_without_echoing_it()
    {
        var text = "secret " + new string('x', 8000);
        var error = SingleError($$"""{"event_id":"m3","type":"message","timestamp":"2026-11-21T11:59:00Z","bot":"lead_bot","conversation_id":"c1","text":"{{text}}"}""");
        Assert.Contains("text must be at most 8000 characters (got 8007)", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
        Assert.Contains("text is only for message events", SingleError(Llm(",\"text\":\"hi\"")), StringComparison.Ordinal);
    }
}
