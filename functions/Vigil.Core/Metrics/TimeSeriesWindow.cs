namespace Vigil.Core.Metrics;

/// <summary>
/// The buckets of a time series: [From, To) cut into steps aligned to 2000-01-01 UTC (so a 1h step
/// starts on the hour and a 1d step at midnight UTC); the last bucket ends at the window's end
/// (the end of the current minute) and may be partial.
/// </summary>
public readonly record struct TimeSeriesWindow(MetricWindow Window, TimeSpan Step, DateTimeOffset From, DateTimeOffset To)
{
    public const int MaxPoints = 1_000;
    public static readonly TimeSpan ShortestStep = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestStep = TimeSpan.FromDays(1);
    private static readonly TimeSpan FiveMinutes = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset Origin = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int Points => (int)Math.Ceiling((To - From) / Step);

    public IEnumerable<DateTimeOffset> Starts()
    {
        for (var t = From; t < To; t += Step) yield return t;
    }

    /// <summary>The start of the bucket holding <paramref name="t"/>.</summary>
    public DateTimeOffset BucketOf(DateTimeOffset t) => Floor(t, Step);

    /// <summary>The coarsest rollup resolution whose rows never straddle two buckets of this step.</summary>
    public Resolution Resolution => Step.Ticks % TimeSpan.TicksPerDay == 0 ? Resolution.Day
        : Step.Ticks % TimeSpan.TicksPerHour == 0 ? Resolution.Hour
        : Step.Ticks % FiveMinutes.Ticks == 0 ? Resolution.FiveMinutes
        : Resolution.Minute;

    public static bool TryResolve(MetricWindow window, string? stepText, out TimeSeriesWindow result, out string error)
    {
        result = default;
        error = "";
        if (!DurationText.TryParse(string.IsNullOrWhiteSpace(stepText) ? "5m" : stepText.Trim(), out var step)
            || step < ShortestStep || step > LongestStep || step.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            error = $"step must be a whole number of minutes from 1m to 1d, such as 1m, 5m, 1h or 1d (got '{stepText}').";
            return false;
        }
        var from = Floor(window.From, step);
        result = new TimeSeriesWindow(window, step, from, window.To);
        if (result.Points > MaxPoints)
        {
            error = $"window {window.Text} at step {DurationText.Format(step)} is {result.Points} points; at most {MaxPoints} per series (use a longer step).";
            return false;
        }
        if (window.To - window.From > MetricWindow.MinutePrecisionLimit && result.Resolution < Resolution.Hour)
        {
            error = "windows longer than 7d need a step of whole hours: minute rollups are kept for 7 days.";
            return false;
        }
        return true;
    }

    /// <summary>Rollup pieces covering [From, To) with rows no coarser than <see cref="Resolution"/>.</summary>
    public IReadOnlyList<RollupPiece> Plan() => MetricWindow.Plan(From, To, Resolution);

    private static DateTimeOffset Floor(DateTimeOffset t, TimeSpan step)
    {
        var since = t.UtcTicks - Origin.UtcTicks;
        return new DateTimeOffset(t.UtcTicks - (((since % step.Ticks) + step.Ticks) % step.Ticks), TimeSpan.Zero);
    }
}
