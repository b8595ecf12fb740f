using System.Text.Json;
using Vigil.Core.Events;

namespace Vigil.Core.Tests;

/// <summary>The parser at the edges of what the contract accepts: each limit, one either side.</summary>
public class EventParserBoundaryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static ParsedBatch Parse(string json, IngestOptions? limits = null)
    {
        using var document = JsonDocument.Parse(json);
        return EventParser.Parse(document.RootElement, new ParseContext(Now, "default", limits ?? new IngestOptions()));
    }

    private static string Llm(string extra = "", string timestamp = "2026-11-21T11:59:00Z", string duration = "12.5") =>
        $$"""{"event_id":"e1","type":"llm_call","timestamp":"{{timestamp}}","bot":"lead_bot","model":"gpt-4o","duration_ms":{{duration}}{{extra}}}""";

    /// <summary>A string field to append to an item: <c>,"name":"value"</c>.</summary>
    private static string Text(string name, string value) => $",\"{name}\":\"{value}\"";

    private static TelemetryEvent Valid(string json, IngestOptions? limits = null)
    {
        var batch = Parse(json, limits);
        Assert.Empty(batch.Errors);
        return Assert.Single(batch.Valid).Event;
    }

    private static string Error(string json, IngestOptions? limits = null)
    {
        var batch = Parse(json, limits);
        Assert.Empty(batch.Valid);
        return Assert.Single(batch.Errors).Message;
    }

    [Theory]
    [InlineData("2026-11-21T11:59:00.1Z", 1_000_000)]
    [InlineData("2026-11-21T11:59:00.123456Z", 1_234_560)]
    [InlineData("2026-11-21T11:59:00.1234567Z", 1_234_567)]
    [InlineData("2026-11-21T11:59:00.12345678Z", 1_234_567)]
    [InlineData("2026-11-21T11:59:00.123456789+00:00", 1_234_567)]
    public void Fractional_seconds_of_any_length_are_read_to_the_tick(string timestamp, long ticks)
    {
        var ev = Valid(Llm(timestamp: timestamp));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 11, 59, 0, TimeSpan.Zero).AddTicks(ticks), ev.Timestamp);
    }

    [Fact]
    public void A_timestamp_with_an_offset_is_stored_in_utc()
    {
        var ev = Valid(Llm(timestamp: "2026-11-21T13:30:00.5+02:00"));
        Assert.Equal(TimeSpan.Zero, ev.Timestamp.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 11, 30, 0, 500, TimeSpan.Zero), ev.Timestamp);
    }

    [Fact]
    public void Timestamps_are_accepted_up_to_the_age_and_skew_limits_and_not_beyond()
    {
        Assert.NotNull(Valid(Llm(timestamp: "2026-11-14T12:00:00Z")));
        Assert.Contains("older than the 7d limit", Error(Llm(timestamp: "2026-11-14T11:59:59Z")));
        Assert.NotNull(Valid(Llm(timestamp: "2026-11-21T12:05:00Z")));
        Assert.Contains("in the future", Error(Llm(timestamp: "2026-11-21T12:05:01Z")));
        Assert.Contains("RFC 3339", Error(Llm().Replace("\"2026-11-21T11:59:00Z\"", "20261121", StringComparison.Ordinal)));
    }

    [Fact]
    public void Zero_duration_and_zero_tokens_are_real_values_not_missing_ones()
    {
        var ev = Valid(Llm(""","input_tokens":0,"output_tokens":0,"cached_input_tokens":0,"ttft_ms":0,"cost_usd":0""", duration: "0"));
        Assert.Equal(0, ev.DurationMs);
        Assert.Equal(0, ev.InputTokens);
        Assert.Equal(0, ev.OutputTokens);
        Assert.Equal(0, ev.CachedInputTokens);
        Assert.Equal(0, ev.TtftMs);
        Assert.Equal(0m, ev.ReportedCostUsd);
    }

    [Theory]
    [InlineData("-0.5", "duration_ms must be 0 or more")]
    [InlineData("\"12\"", "duration_ms must be a number, not a string")]
    [InlineData("1e400", "duration_ms must be a number, not 1e400")]
    [InlineData("1000000000.5", "is not a plausible latency")]
    public void A_duration_that_is_no_latency_is_refused(string duration, string expected) =>
        Assert.Contains(expected, Error(Llm(duration: duration)));

    [Fact]
    public void Latencies_up_to_the_maximum_are_accepted()
    {
        Assert.Equal(EventParser.MaxLatencyMs, Valid(Llm(duration: "1000000000")).DurationMs);
        Assert.Equal(EventParser.MaxLatencyMs, Valid(Llm(""","ttft_ms":1000000000""")).TtftMs);
        Assert.Contains("ttft_ms 1000000001 is not a plausible latency", Error(Llm(""","ttft_ms":1000000001""")));
    }

    [Theory]
    [InlineData("\"positive\"", true)]
    [InlineData("\"negative\"", false)]
    public void A_rating_is_positive_or_negative(string rating, bool positive)
    {
        var ev = Valid($$"""{"event_id":"f1","type":"feedback","timestamp":"2026-11-21T11:59:00Z","bot":"b","rating":{{rating}}}""");
        Assert.Equal(positive, ev.PositiveRating);
    }

    [Theory]
    [InlineData("\"Positive\"")]
    [InlineData("\"good\"")]
    [InlineData("true")]
    public void Any_other_rating_is_refused(string rating) =>
        Assert.Contains("rating must be \"positive\" or \"negative\"",
            Error($$"""{"event_id":"f1","type":"feedback","timestamp":"2026-11-21T11:59:00Z","bot":"b","rating":{{rating}}}"""));

    [Theory]
    [InlineData("\\u0001")]
    [InlineData("\\u0009")]
    [InlineData("\\n")]
    [InlineData("\\u001f")]
    public void Control_characters_in_text_fields_are_refused(string control) =>
        Assert.Contains("operation must not contain control characters", Error(Llm(Text("operation", $"a{control}b"))));

    [Fact]
    public void Text_just_past_the_control_characters_is_accepted() =>
        Assert.Equal("a b~", Valid(Llm(Text("operation", "a b~"))).Operation);

    [Fact]
    public void A_text_field_may_be_as_long_as_its_limit_and_no_longer()
    {
        Assert.Equal(64, Valid(Llm(Text("operation", new string('o', 64)))).Operation!.Length);
        Assert.Contains("operation must be at most 64 characters (got 65)", Error(Llm(Text("operation", new string('o', 65)))));
        Assert.Contains("operation must not be empty", Error(Llm(Text("operation", ""))));
        Assert.Contains("operation must be a string, not a number", Error(Llm(""","operation":5""")));
    }

    [Fact]
    public void Costs_up_to_the_configured_limit_are_accepted_and_above_it_refused()
    {
        var limits = new IngestOptions { MaxEventCostUsd = 5m };
        Assert.Equal(5m, Valid(Llm(""","cost_usd":5"""), limits).ReportedCostUsd);
        var error = Error(Llm(""","cost_usd":5.01"""), limits);
        Assert.Contains("cost_usd 5.01 is more than one event may cost", error);
        Assert.Contains("$5", error);
        Assert.Contains("Vigil:Ingest:MaxEventCostUsd", error);
    }

    [Fact]
    public void Token_counts_up_to_the_limit_are_accepted_and_must_be_whole()
    {
        var limits = new IngestOptions { MaxTokensPerEvent = 1000 };
        Assert.Equal(1000, Valid(Llm(""","input_tokens":1000"""), limits).InputTokens);
        Assert.Contains("input_tokens 1001 is more than one event may report", Error(Llm(""","input_tokens":1001"""), limits));
        Assert.Contains("output_tokens must be 0 or more (got -1)", Error(Llm(""","output_tokens":-1""")));
        Assert.Contains("output_tokens must be a whole number, not 1.5", Error(Llm(""","output_tokens":1.5""")));
        Assert.Contains("output_tokens must be a whole number, not a string", Error(Llm(Text("output_tokens", "3"))));
    }

    [Fact]
    public void Cached_tokens_may_equal_the_input_but_not_exceed_it()
    {
        Assert.Equal(10, Valid(Llm(""","input_tokens":10,"cached_input_tokens":10""")).CachedInputTokens);
        Assert.Contains("cached_input_tokens (11) cannot exceed input_tokens (10)", Error(Llm(""","input_tokens":10,"cached_input_tokens":11""")));
    }

    [Fact]
    public void A_quality_score_is_between_zero_and_one_inclusive()
    {
        Assert.Equal(1, Valid(Llm(""","quality_score":1""")).QualityScore);
        Assert.Equal(0, Valid(Llm(""","quality_score":0""")).QualityScore);
        Assert.Contains("quality_score must be between 0 and 1", Error(Llm(""","quality_score":1.01""")));
    }

    [Fact]
    public void Attributes_are_accepted_up_to_the_configured_count_and_not_beyond()
    {
        var limits = new IngestOptions { MaxAttributes = 2 };
        Assert.NotNull(Valid(Llm(""","attributes":{"a":1,"b":"x"}"""), limits).AttributesJson);
        Assert.Contains("attributes may hold at most 2 values (got 3)", Error(Llm(""","attributes":{"a":1,"b":2,"c":3}"""), limits));
    }

    [Fact]
    public void Attribute_names_and_values_are_held_to_their_limits()
    {
        Assert.NotNull(Valid(Llm($$""","attributes":{"{{new string('n', 128)}}":"{{new string('v', 4096)}}"}""")).AttributesJson);
        Assert.Contains("attribute names must be 1 to 128 characters", Error(Llm($$""","attributes":{"{{new string('n', 129)}}":1}""")));
        Assert.Contains("attribute names must be 1 to 128 characters", Error(Llm(""","attributes":{"":1}""")));
        Assert.Contains("is longer than 4096 characters", Error(Llm($$""","attributes":{"a":"{{new string('v', 4097)}}"}""")));
        Assert.Contains("attribute 'a' must be a string or a number, not a boolean", Error(Llm(""","attributes":{"a":true}""")));
        Assert.Contains("attribute 'a' must be a string or a number, not null", Error(Llm(""","attributes":{"a":null}""")));
        Assert.Contains("attributes must be an object, not an array", Error(Llm(""","attributes":[1]""")));
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("1e-401")]
    [InlineData("0e-99999")]
    [InlineData("1e-330")]
    public void Attribute_numbers_a_database_numeric_or_a_double_cannot_hold_are_refused(string number) =>
        Assert.Contains("must be a number a double can hold", Error(Llm($$""","attributes":{"n":{{number}}}""")));

    [Theory]
    [InlineData("0")]
    [InlineData("0.000")]
    [InlineData("0e5")]
    [InlineData("1.5e300")]
    [InlineData("-2.5E-300")]
    [InlineData("123456789")]
    public void Attribute_numbers_within_range_are_kept(string number) =>
        Assert.Contains(number, Valid(Llm($$""","attributes":{"n":{{number}}}""")).AttributesJson);

    [Fact]
    public void Names_take_lower_case_letters_digits_and_a_few_marks_only()
    {
        Assert.Equal("bot-1.a_b", Valid(Llm().Replace("lead_bot", "bot-1.a_b", StringComparison.Ordinal)).Bot);
        Assert.Contains("bot must use only lower-case letters", Error(Llm().Replace("lead_bot", "Lead", StringComparison.Ordinal)));
        Assert.Contains("batch_job must use only lower-case letters", Error(Llm(Text("batch_job", "Nightly Run"))));
    }

    [Fact]
    public void Booleans_must_be_json_booleans()
    {
        Assert.Contains("cache_hit must be true or false, not a string", Error(Llm(Text("cache_hit", "true"))));
        Assert.False(Valid(Llm(""","blocked":false""")).Blocked);
    }

    [Fact]
    public void An_item_that_is_not_an_object_is_named_by_its_kind()
    {
        var batch = Parse("""[1, "x", null, true, []]""");
        Assert.Equal(5, batch.Received);
        Assert.Equal(
            ["item must be a JSON object, not a number", "item must be a JSON object, not a string", "item must be a JSON object, not null",
             "item must be a JSON object, not a boolean", "item must be a JSON object, not an array"],
            batch.Errors.Select(e => e.Message));
        Assert.Equal([0, 1, 2, 3, 4], batch.Errors.Select(e => e.Index));
    }

    [Fact]
    public void The_event_id_of_a_bad_item_is_reported_and_long_text_is_shortened()
    {
        var error = Assert.Single(Parse($$"""{"event_id":"{{new string('e', 200)}}","type":"llm_call"}""").Errors);
        Assert.Equal(new string('e', 57) + "...", error.EventId);
        Assert.Contains("event_id must be at most 128 characters", error.Message);
        var unknown = Assert.Single(Parse($$"""{"event_id":"x","{{new string('u', 70)}}":1}""").Errors);
        Assert.Equal("x", unknown.EventId);
        Assert.Contains($"unknown field '{new string('u', 57)}...'", unknown.Message);
    }

    [Fact]
    public void Each_event_type_requires_its_own_fields()
    {
        const string Head = "\"event_id\":\"e\",\"timestamp\":\"2026-11-21T11:59:00Z\",\"bot\":\"b\",\"duration_ms\":1";
        Assert.Contains("model is required for llm_call events", Error($$"""{{{Head}},"type":"llm_call"}"""));
        Assert.Contains("target_bot is required for handoff events", Error($$"""{{{Head}},"type":"handoff"}"""));
        Assert.Contains("tool_name is required for tool_call events", Error($$"""{{{Head}},"type":"tool_call"}"""));
        Assert.Contains("rating is required for feedback events", Error($$"""{{{Head}},"type":"feedback"}"""));
        Assert.Contains("duration_ms is required for tool_call events",
            Error("""{"event_id":"e","timestamp":"2026-11-21T11:59:00Z","bot":"b","type":"tool_call","tool_name":"t"}"""));
        Assert.Equal("t", Valid($$"""{{{Head}},"type":"tool_call","tool_name":"t"}""").ToolName);
        Assert.Equal("other", Valid($$"""{{{Head}},"type":"handoff","target_bot":"other"}""").TargetBot);
    }
}
