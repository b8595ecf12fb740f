namespace Vigil.Core.Metrics;

/// <summary>The rollup levels, finest first (the order is compared: a level is coarser than those before it).</summary>
public enum Resolution
{
    Minute,
    FiveMinutes,
    Hour,
    Day,
}

/// <summary>A time range [From, To) read from the rollups of one resolution.</summary>
public readonly record struct RollupPiece(Resolution Resolution, DateTimeOffset From, DateTimeOffset To);

/// <summary>A query window, aligned to the rollups: [From, To).</summary>
public readonly record struct MetricWindow(string Text, DateTimeOffset From, DateTimeOffset To)
{
    public static readonly TimeSpan Shortest = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Longest = TimeSpan.FromDays(30);

    /// <summary>Beyond this, the window starts on an hour: minute rollups are not kept that long.</summary>
    public static readonly TimeSpan MinutePrecisionLimit = TimeSpan.FromDays(7);

    /// <summary>
    /// A window ends at the end of the current minute (so a run of ComputeRollups a moment ago is
    /// fully visible) and is a whole number of minutes long, rounded up; windows longer than 7 days
    /// start on the hour. The response states the exact From and To.
    /// </summary>
    public static bool TryResolve(string? text, DateTimeOffset now, out MetricWindow window, out string error)
    {
        window = default;
        error = "";
        text = string.IsNullOrWhiteSpace(text) ? "1h" : text.Trim();
        if (!DurationText.TryParse(text, out var length))
        {
            error = $"window '{text}' is not a duration such as 5m, 1h, 24h or 7d.";
            return false;
        }
        if (length < Shortest || length > Longest)
        {
            error = $"window must be between 1m and 30d (got {text}); rollups have one-minute resolution.";
            return false;
        }
        var to = Align.CeilMinute(now);
        var minutes = (long)Math.Ceiling(length.TotalMinutes);
        var from = to - TimeSpan.FromMinutes(minutes);
        if (length > MinutePrecisionLimit) from = Align.Floor(from, Resolution.Hour);
        window = new MetricWindow(text, from, to);
        return true;
    }

    /// <summary>
    /// Covers [From, To) with as few rollup rows as possible: minutes up to the first five-minute
    /// boundary, five-minute rows up to the first hour, hours up to the first day, whole days, then
    /// the same levels back down to the end.
    /// </summary>
    public IReadOnlyList<RollupPiece> Plan() => Plan(From, To);

    public static IReadOnlyList<RollupPiece> Plan(DateTimeOffset from, DateTimeOffset to) => Plan(from, to, Resolution.Day);

    /// <summary>The same, with rows no coarser than <paramref name="coarsest"/> (a time series' step must not split a row).</summary>
    public static IReadOnlyList<RollupPiece> Plan(DateTimeOffset from, DateTimeOffset to, Resolution coarsest)
    {
        var pieces = new List<RollupPiece>(7);
        if (to > from) Cover(pieces, from, to, coarsest);
        return pieces;

        // The middle of [start, end) in whole rows of this level, its ragged edges in the finer levels.
        static void Cover(List<RollupPiece> pieces, DateTimeOffset start, DateTimeOffset end, Resolution level)
        {
            if (level == Resolution.Minute)
            {
                pieces.Add(new RollupPiece(Resolution.Minute, start, end));
                return;
            }
            var finer = level - 1;
            var first = Align.Ceil(start, level);
            var last = Align.Floor(end, level);
            if (first >= last)
            {
                Cover(pieces, start, end, finer);
                return;
            }
            if (first > start) Cover(pieces, start, first, finer);
            pieces.Add(new RollupPiece(level, first, last));
            if (end > last) Cover(pieces, last, end, finer);
        }
    }
}

/// <summary>UTC alignment of instants to minutes, five minutes, hours and days.</summary>
public static class Align
{
    public static TimeSpan Length(Resolution resolution) => resolution switch
    {
        Resolution.Minute => TimeSpan.FromMinutes(1),
        Resolution.FiveMinutes => TimeSpan.FromMinutes(5),
        Resolution.Hour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    public static DateTimeOffset Floor(DateTimeOffset t, Resolution resolution)
    {
        var ticks = Length(resolution).Ticks;
        var utc = t.UtcTicks;
        return new DateTimeOffset(utc - (utc % ticks), TimeSpan.Zero);
    }

    public static DateTimeOffset Ceil(DateTimeOffset t, Resolution resolution)
    {
        var floor = Floor(t, resolution);
        return floor == t ? floor : floor + Length(resolution);
    }

    public static DateTimeOffset CeilMinute(DateTimeOffset t) => Ceil(t, Resolution.Minute);
}
