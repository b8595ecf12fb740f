namespace Vigil.Core.Budgets;

/// <summary>
/// A running batch run's last progress report: <see cref="Done"/> of <see cref="Total"/> items at
/// <see cref="ReportedAt"/>. The estimate assumes the run keeps the average rate it has had since it
/// started (items done ÷ time from start to the report), the only rate a single report can give.
/// </summary>
public sealed record BatchProgress(long Done, long Total, DateTimeOffset ReportedAt)
{
    /// <summary>Done as a percentage of total (two decimals); null when the total is 0.</summary>
    public double? Percent => Total > 0 ? Math.Round(100.0 * Done / Total, 2) : null;

    /// <summary>
    /// When the remaining items will be done at the run's rate so far: the report's time plus
    /// remaining ÷ rate. The report's time itself when everything is done; null when nothing is done
    /// yet, or no time has passed since the start (no rate to extrapolate).
    /// </summary>
    public DateTimeOffset? Eta(DateTimeOffset startedAt)
    {
        if (Total > 0 && Done >= Total) return ReportedAt;
        var elapsed = ReportedAt - startedAt;
        if (Done <= 0 || elapsed <= TimeSpan.Zero) return null;
        var remaining = Total - Done;
        return ReportedAt + TimeSpan.FromTicks((long)Math.Round(elapsed.Ticks * ((double)remaining / Done)));
    }
}
