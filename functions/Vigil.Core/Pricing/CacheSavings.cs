using Vigil.Core.Metrics;

namespace Vigil.Core.Pricing;

/// <summary>
/// What caching saved, at the price table (docs/review.md "cache_savings_usd"), from rollup sums of
/// one model and one cache_hit value:
/// <list type="bullet">
/// <item>responses served from a cache (<c>cache_hit: true</c>): what their input and output tokens
/// would have cost at the model's full input and output prices, less the cost recorded for them;</item>
/// <item>every other call: its cached input tokens at the input price less the cached-input price
/// (the prompt-cache discount).</item>
/// </list>
/// Never negative; 0 for a model the table does not price. Computed at query time from the
/// rollups' token sums, so it uses the price table in force when asked.
/// </summary>
public static class CacheSavings
{
    public static decimal Of(ModelPrice? price, bool cacheHitResponses, long inputTokens, long cachedInputTokens, long outputTokens, decimal costUsd)
    {
        if (price is null) return 0m;
        decimal saved;
        if (cacheHitResponses)
        {
            var full = ((inputTokens * price.InputPerMillion) + (outputTokens * price.OutputPerMillion)) / 1_000_000m;
            saved = full - costUsd;
        }
        else
        {
            var cached = Math.Min(cachedInputTokens, inputTokens);
            saved = cached * (price.InputPerMillion - price.CachedInputPerMillion) / 1_000_000m;
        }
        return saved <= 0 ? 0m : decimal.Round(saved, 10);
    }

    /// <summary>A rollup group keyed (at least) by model and cache_hit.</summary>
    public static decimal Of(RollupGroup group, PriceTable prices)
    {
        var model = group.Key.GetValueOrDefault(Dimension.Model, "");
        var c = group.Counters;
        return Of(model.Length == 0 ? null : prices.Find(model), group.Key.GetValueOrDefault(Dimension.CacheHit) == "true",
            c.InputTokens, c.CachedInputTokens, c.OutputTokens, c.CostUsd);
    }
}
