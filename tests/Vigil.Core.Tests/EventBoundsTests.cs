using System.Text.Json;
using Vigil.Core.Events;
using Vigil.Core.Pricing;

namespace Vigil.Core.Tests;

public class EventBoundsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static ParsedBatch Parse(string extra, IngestOptions? limits = null)
    {
        using var document = JsonDocument.Parse(
            $$"""[{"event_id":"ok","type":"llm_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","model":"gpt-4o","duration_ms":1},{"event_id":"e","type":"llm_call","timestamp":"2026-11-21T11:59:00Z","bot":"b","model":"gpt-4o","duration_ms":1{{extra}}}]""");
        return EventParser.Parse(document.RootElement, new ParseContext(Now, "default", limits ?? new IngestOptions(), new PriceTable(DefaultPrices.Table)));
    }

    [Fact]
    public void A_computed_cost_over_the_bound_rejects_the_item_naming_the_bound_and_the_setting()
    {
        // gpt-4o: 5M input at $2.50/M and 9M output at $10/M is $102.50.
        var batch = Parse(""","input_tokens":5000000,"output_tokens":9000000""");
        Assert.Equal("ok", Assert.Single(batch.Valid).Event.EventId);
        var error = Assert.Single(batch.Errors);
        Assert.Equal(1, error.Index);
        Assert.Contains("$102.5", error.Message, StringComparison.Ordinal);
        Assert.Contains("the limit is $100 (setting Vigil:Ingest:MaxEventCostUsd)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_events_are_priced_by_the_parser()
    {
        var ev = Assert.Single(Parse(""","input_tokens":1000000""").Valid, v => v.Event.EventId == "e").Event;
        Assert.Equal(CostSource.Computed, ev.CostSource);
        Assert.Equal(2.5m, ev.CostUsd);
    }

    [Fact]
    public void Token_counts_over_the_bound_are_rejected_before_pricing()
    {
        var error = Assert.Single(Parse(""","cached_input_tokens":10000001,"input_tokens":10000001""").Errors);
        Assert.Contains("cached_input_tokens 10000001 is more than one event may report: the limit is 10,000,000 tokens (setting Vigil:Ingest:MaxTokensPerEvent)",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reported_cost_is_held_to_the_configured_bound()
    {
        Assert.Single(Parse(""","cost_usd":150""").Errors);
        Assert.Equal(2, Parse(""","cost_usd":150""", new IngestOptions { MaxEventCostUsd = 200 }).Valid.Count);
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(2_000_000, 10)]
    [InlineData(100, 0)]
    [InlineData(100, 2_000_000_000)]
    public void Bounds_out_of_range_fail_validation_at_start(double cost, long tokens)
    {
        var result = new IngestOptionsValidator().Validate(null, new IngestOptions { MaxEventCostUsd = (decimal)cost, MaxTokensPerEvent = tokens });
        Assert.True(result.Failed);
    }
}
