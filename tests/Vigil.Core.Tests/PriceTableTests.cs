using Vigil.Core.Events;
using Vigil.Core.Pricing;

namespace Vigil.Core.Tests;

public class PriceTableTests
{
    // Built per test, not in a static field: Stryker cannot switch mutants that run in a static initialiser.
    private static PriceTable Defaults => new(new PricingOptions().Effective());

    private static TelemetryEvent Call(string model, long input, long output, long? cached = null, decimal? reported = null) => new()
    {
        EventId = "e",
        Type = EventType.LlmCall,
        Timestamp = DateTimeOffset.UnixEpoch,
        TenantId = "default",
        Bot = "b",
        Model = model,
        InputTokens = input,
        OutputTokens = output,
        CachedInputTokens = cached,
        ReportedCostUsd = reported,
    };

    [Theory]
    [InlineData("gpt-4o", "gpt-4o")]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("gpt-4o-mini", "gpt-4o-mini")]
    [InlineData("gpt-4o-mini-2024-07-18", "gpt-4o-mini")]
    [InlineData("openai/gpt-4.1", "gpt-4.1")]
    [InlineData("azure/gpt-35-turbo", "gpt-35-turbo")]
    [InlineData("claude-3-5-sonnet-20241022", "claude-3-5-sonnet")]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("claude-opus-4-6", "claude-opus-4-6")]
    [InlineData("Gemini-2.5-Flash", "gemini-2.5-flash")]
    [InlineData("gemini-2.5-flash-lite", "gemini-2.5-flash-lite")]
    public void Models_are_found_by_name_or_longest_versioned_prefix(string model, string expectedKey) =>
        Assert.Equal(DefaultPrices.Table[expectedKey], Defaults.Find(model));

    [Theory]
    [InlineData("gpt-4ox")]
    [InlineData("my-finetune")]
    [InlineData("")]
    public void Unknown_models_have_no_price(string model) => Assert.Null(Defaults.Find(model));

    [Fact]
    public void Cost_is_computed_per_million_tokens_with_cached_input_at_its_own_price()
    {
        var ev = Call("gpt-4o", input: 1_000_000, output: 100_000, cached: 400_000);
        Defaults.Apply(ev);
        // 600k uncached × $2.50 + 400k cached × $1.25 + 100k output × $10 (per 1M)
        Assert.Equal(1.50m + 0.50m + 1.00m, ev.CostUsd);
        Assert.Equal(CostSource.Computed, ev.CostSource);
    }

    [Fact]
    public void A_reported_cost_wins()
    {
        var ev = Call("gpt-4o", 1000, 1000, reported: 0.42m);
        Defaults.Apply(ev);
        Assert.Equal(0.42m, ev.CostUsd);
        Assert.Equal(CostSource.Reported, ev.CostSource);
    }

    [Fact]
    public void An_unknown_model_costs_zero_and_is_marked_unpriced()
    {
        var ev = Call("my-finetune", 1000, 1000);
        Defaults.Apply(ev);
        Assert.Equal(0m, ev.CostUsd);
        Assert.Equal(CostSource.Unpriced, ev.CostSource);
    }

    [Fact]
    public void Configuration_adds_and_overrides_prices()
    {
        var options = new PricingOptions();
        options.Models["my-finetune"] = new ModelPriceOption { Input = 3m, Output = 6m };
        options.Models["gpt-4o"] = new ModelPriceOption { Input = 1m, CachedInput = 0.5m, Output = 2m };
        var table = new PriceTable(options.Effective());
        Assert.Equal(new ModelPrice(3m, 3m, 6m), table.Find("my-finetune"));
        Assert.Equal(new ModelPrice(1m, 0.5m, 2m), table.Find("gpt-4o-2024-08-06"));
        Assert.NotNull(table.Find("claude-3-haiku"));
    }
}
