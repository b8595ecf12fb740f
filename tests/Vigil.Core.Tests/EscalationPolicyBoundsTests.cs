using Vigil.Core.Alerts;

namespace Vigil.Core.Tests;

public class EscalationPolicyBoundsTests
{
    private static EscalationPolicy Policy(int repeat, params TimeSpan[] after) => new()
    {
        Name = "p",
        Levels = [.. after.Select(a => new EscalationLevel(a, ["slack"], []))],
        Repeat = repeat,
    };

    [Fact]
    public void A_level_more_than_seven_days_after_firing_is_refused_so_no_due_time_can_overflow()
    {
        Assert.Contains(Policy(0, TimeSpan.Zero, TimeSpan.FromDays(3_000_000)).Problems(), p => p.Field == "levels[1].after");
        Assert.Contains(Policy(0, TimeSpan.Zero, TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1)).Problems(), p => p.Field == "levels[1].after");
        Assert.Empty(Policy(0, TimeSpan.Zero, TimeSpan.FromDays(7)).Problems());
    }

    [Fact]
    public void Delays_are_whole_seconds_so_the_stored_levels_stay_strictly_increasing()
    {
        Assert.Contains(Policy(0, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1500)).Problems(), p => p.Field == "levels[1].after");
    }

    [Fact]
    public void Repeats_must_end_within_thirty_days_of_firing()
    {
        Assert.Contains(Policy(10, TimeSpan.Zero, TimeSpan.FromDays(3)).Problems(), p => p.Field == "repeat");
        Assert.Empty(Policy(3, TimeSpan.Zero, TimeSpan.FromDays(3)).Problems());
    }
}
