using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Vigil.Core.Events;

namespace Vigil.Core.Pricing;

/// <summary>USD per one million tokens. Cached input is the part of the input served from a prompt cache.</summary>
public sealed record ModelPrice(decimal InputPerMillion, decimal CachedInputPerMillion, decimal OutputPerMillion);

/// <summary>
/// Prices events that did not report their own cost. Lookup is by exact model name, then by the
/// longest known name the model starts with followed by '-', '@' or ':' (so "gpt-4o-2024-08-06"
/// is priced as "gpt-4o" but "gpt-4o-mini" never as "gpt-4o"); a provider prefix such as
/// "openai/" or "azure/" is ignored.
/// </summary>
public sealed class PriceTable
{
    private readonly FrozenDictionary<string, ModelPrice> _prices;
    private readonly string[] _byLengthDescending;

    public PriceTable(IReadOnlyDictionary<string, ModelPrice> prices)
    {
        _prices = prices.ToFrozenDictionary(p => p.Key.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal);
        _byLengthDescending = [.. _prices.Keys.OrderByDescending(k => k.Length)];
    }

    public PriceTable(IOptions<PricingOptions> options) : this(options.Value.Effective()) { }

    public IReadOnlyDictionary<string, ModelPrice> Prices => _prices;

    public ModelPrice? Find(string? model)
    {
        if (string.IsNullOrWhiteSpace(model)) return null;
        var name = model.Trim().ToLowerInvariant();
        var slash = name.LastIndexOf('/');
        if (slash >= 0 && slash < name.Length - 1) name = name[(slash + 1)..];
        if (_prices.TryGetValue(name, out var exact)) return exact;
        foreach (var key in _byLengthDescending)
        {
            if (name.Length > key.Length && name.StartsWith(key, StringComparison.Ordinal) && name[key.Length] is '-' or '@' or ':')
            {
                return _prices[key];
            }
        }
        return null;
    }

    /// <summary>Sets <see cref="TelemetryEvent.CostUsd"/> and <see cref="TelemetryEvent.CostSource"/>.</summary>
    public void Apply(TelemetryEvent ev)
    {
        if (ev.ReportedCostUsd is { } reported)
        {
            ev.CostUsd = reported;
            ev.CostSource = CostSource.Reported;
            return;
        }
        if (ev.Model is null)
        {
            ev.CostUsd = 0m;
            ev.CostSource = CostSource.None;
            return;
        }
        if (Find(ev.Model) is not { } price)
        {
            ev.CostUsd = 0m;
            ev.CostSource = CostSource.Unpriced;
            return;
        }
        var input = ev.InputTokens ?? 0;
        var cached = Math.Min(ev.CachedInputTokens ?? 0, input);
        var output = ev.OutputTokens ?? 0;
        var cost = (((input - cached) * price.InputPerMillion) + (cached * price.CachedInputPerMillion) + (output * price.OutputPerMillion)) / 1_000_000m;
        ev.CostUsd = decimal.Round(cost, 10);
        ev.CostSource = CostSource.Computed;
    }
}
