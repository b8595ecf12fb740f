namespace Vigil.Core.Budgets;

/// <summary>
/// What the batch-run rule metrics read about one job: its expectations, when its latest run
/// started, since when its oldest still-running run has been running, and the items of its runs
/// completed in the rule's window.
/// </summary>
public sealed record BatchJobHealth(BatchJob Job, DateTimeOffset? LastStartedAt, DateTimeOffset? OldestRunningSince, long RunsCompleted,
    long Succeeded, long Failed)
{
    /// <summary>
    /// <c>batch_run_failed</c>: the success rate of the items of the runs completed in the window
    /// (succeeded ÷ (succeeded + failed), every run's items counted alike); null when they had no items.
    /// </summary>
    public double? SuccessRate => Succeeded + Failed > 0 ? (double)Succeeded / (Succeeded + Failed) : null;

    public long Items => Succeeded + Failed;

    /// <summary>
    /// <c>batch_run_overdue</c>: how many seconds the job is late, 0 when it is not; null when it has
    /// no expectation to be late against. Late is the larger of: no run started within
    /// <see cref="BatchJob.ExpectedEvery"/> of the latest start (of the job's registration, before its
    /// first run) — not counted while the job is disabled, as it may not start one — and the oldest
    /// running run past <see cref="BatchJob.MaxDuration"/>.
    /// </summary>
    public double? OverdueSeconds(DateTimeOffset now)
    {
        if (Job.ExpectedEvery is null && Job.MaxDuration is null) return null;
        var late = TimeSpan.Zero;
        if (Job.ExpectedEvery is { } every && Job.Enabled)
        {
            var missed = now - ((LastStartedAt ?? Job.CreatedAt) + every);
            if (missed > late) late = missed;
        }
        if (Job.MaxDuration is { } max && OldestRunningSince is { } since)
        {
            var over = now - (since + max);
            if (over > late) late = over;
        }
        return Math.Round(late.TotalSeconds, 3);
    }
}
