using Vigil.Core.Budgets;

namespace Vigil.Core.Tests;

/// <summary>A running run's progress: its percentage and its ETA from the rate so far.</summary>
public class BatchProgressTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_eta_extrapolates_the_average_rate_since_the_start()
    {
        var clock = new ManualClock(Start);
        clock.Advance(TimeSpan.FromMinutes(30));
        // 250 of 1,000 in 30 minutes: 750 more take 90 minutes.
        var progress = new BatchProgress(250, 1000, clock.GetUtcNow());
        Assert.Equal(Start + TimeSpan.FromMinutes(120), progress.Eta(Start));
        Assert.Equal(25.0, progress.Percent);
    }

    [Fact]
    public void The_percentage_is_rounded_to_two_decimals()
    {
        Assert.Equal(33.33, new BatchProgress(1, 3, Start).Percent);
        Assert.Equal(66.67, new BatchProgress(2, 3, Start).Percent);
    }

    [Fact]
    public void Nothing_done_yet_has_no_eta()
    {
        Assert.Null(new BatchProgress(0, 1000, Start + TimeSpan.FromHours(1)).Eta(Start));
        Assert.Equal(0.0, new BatchProgress(0, 1000, Start).Percent);
    }

    [Fact]
    public void A_report_at_the_start_itself_has_no_rate_and_no_eta()
    {
        Assert.Null(new BatchProgress(10, 1000, Start).Eta(Start));
    }

    [Fact]
    public void Everything_done_is_due_at_the_report()
    {
        var at = Start + TimeSpan.FromMinutes(42);
        Assert.Equal(at, new BatchProgress(500, 500, at).Eta(Start));
        Assert.Equal(100.0, new BatchProgress(500, 500, at).Percent);
    }

    [Fact]
    public void A_total_of_zero_has_no_percentage()
    {
        Assert.Null(new BatchProgress(0, 0, Start + TimeSpan.FromMinutes(1)).Percent);
    }
}
