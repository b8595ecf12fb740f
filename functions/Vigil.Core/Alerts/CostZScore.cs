namespace Vigil.Core.Alerts;

/// <summary>
/// The <c>cost_zscore</c> rule metric: how many standard deviations the window's cost per call lies
/// above (or below, negative) the mean cost per call of the same-length windows before it.
/// <para>
/// The baseline is a sample, and a small or flat one makes any z-score meaningless, so two guards
/// apply and, when either fails, there is no value (the rule neither fires nor stays firing):
/// </para>
/// <list type="bullet">
/// <item>at least <see cref="MinPriorWindows"/> prior windows with calls (a window without calls has no
/// cost per call and is left out, not counted as 0), and calls in the current window;</item>
/// <item>the standard deviation is at least <see cref="RelativeSigmaFloor"/> of the mean, and at least
/// <see cref="AbsoluteSigmaFloorUsd"/>: a perfectly flat week (σ = 0) would otherwise make any change
/// infinite, and with the floor a 30% rise over a flat week reads as z = 3.</item>
/// </list>
/// The standard deviation is the sample one (n − 1): the prior windows estimate the usual spread.
/// </summary>
public static class CostZScore
{
    /// <summary>Fewer prior windows with calls than this: no value.</summary>
    public const int MinPriorWindows = 5;

    /// <summary>σ is never taken below this fraction of the baseline mean.</summary>
    public const double RelativeSigmaFloor = 0.10;

    /// <summary>σ is never taken below this many dollars per call (a baseline of free calls).</summary>
    public const double AbsoluteSigmaFloorUsd = 0.000001;

    /// <summary>How far back the baseline reaches.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(7);

    /// <summary>The longest window the metric accepts: a 7-day lookback still holds 5 whole ones before the current one.</summary>
    public static readonly TimeSpan LongestWindow = TimeSpan.FromDays(1);

    /// <summary>The baseline of the prior windows' costs per call: mean, σ as used (floored), and how many windows.</summary>
    public readonly record struct Baseline(double Mean, double Sigma, int Windows);

    /// <summary>The baseline of the prior windows' (cost, calls); null when fewer than <see cref="MinPriorWindows"/> have calls.</summary>
    public static Baseline? BaselineOf(IEnumerable<(decimal CostUsd, long Calls)> priorWindows)
    {
        var perCall = priorWindows.Where(w => w.Calls > 0).Select(w => (double)w.CostUsd / w.Calls).ToList();
        if (perCall.Count < MinPriorWindows) return null;
        var mean = perCall.Average();
        var variance = perCall.Sum(x => (x - mean) * (x - mean)) / (perCall.Count - 1);
        var sigma = Math.Max(Math.Sqrt(variance), Math.Max(RelativeSigmaFloor * Math.Abs(mean), AbsoluteSigmaFloorUsd));
        return new Baseline(mean, sigma, perCall.Count);
    }

    /// <summary>The z-score of the window's cost per call against the baseline; null without calls or baseline.</summary>
    public static double? Of(decimal costUsd, long calls, Baseline? baseline) =>
        calls > 0 && baseline is { } b ? ((double)costUsd / calls - b.Mean) / b.Sigma : null;
}
