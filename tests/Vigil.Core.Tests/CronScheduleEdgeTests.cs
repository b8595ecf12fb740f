using System.Globalization;

namespace Vigil.Core.Tests;

/// <summary>What a schedule setting says back to the operator who wrote it.</summary>
public class CronScheduleEdgeTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 21, 10, 17, 42, TimeSpan.Zero);

    [Theory]
    [InlineData("0 MON * * * *")]
    [InlineData("0 0 JAN * * *")]
    [InlineData("0 0 0 MON * *")]
    [InlineData("JAN * * * *")]
    public void Names_in_fields_that_take_only_numbers_are_refused(string expression)
    {
        Assert.False(CronSchedule.TryParse(expression, out _, out var error));
        Assert.StartsWith($"'{expression}' is not a valid NCRONTAB expression: ", error, StringComparison.Ordinal);
        Assert.True(error.Length > $"'{expression}' is not a valid NCRONTAB expression: ".Length, "the reason is given");
    }

    [Fact]
    public void The_wrong_number_of_fields_is_explained_with_an_example()
    {
        Assert.False(CronSchedule.TryParse("0 0 * *", out _, out var error));
        Assert.Equal("'0 0 * *' is not an NCRONTAB expression: use six fields (second minute hour day month day-of-week), "
            + "e.g. '0 */1 * * * *', or five without the seconds.", error);
        Assert.False(CronSchedule.TryParse(null, out _, out _));
    }

    [Fact]
    public void Parse_throws_the_reason_for_a_bad_expression()
    {
        var error = Assert.Throws<FormatException>(() => CronSchedule.Parse("0 0 0 30 2 *"));
        Assert.Equal("'0 0 0 30 2 *' never occurs (no date matches all of its fields).", error.Message);
    }

    [Fact]
    public void Surrounding_and_repeated_spaces_are_ignored()
    {
        var schedule = CronSchedule.Parse("  0  5/15 * * * *  ");
        Assert.Equal("0  5/15 * * * *", schedule.Expression);
        Assert.Equal("0  5/15 * * * *", schedule.ToString());
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 20, 0, TimeSpan.Zero), schedule.GetNextOccurrence(T));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 35, 0, TimeSpan.Zero), schedule.GetNextOccurrence(T.AddMinutes(3)));
    }

    [Theory]
    [InlineData("5/15 * * * *", "2026-11-21T10:20:00Z")]
    [InlineData("5/15 * * * *", "2026-11-21T10:35:00Z", 10)]
    [InlineData("15/20 */2 * * * *", "2026-11-21T10:18:15Z")]
    public void The_start_and_step_form_counts_from_its_start(string expression, string expected, int afterMinutes = 0) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), CronSchedule.Parse(expression).GetNextOccurrence(T.AddMinutes(afterMinutes)));

    [Fact]
    public void Five_fields_mean_minutes_first_and_six_fields_seconds_first()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 11, 5, 0, TimeSpan.Zero), CronSchedule.Parse("5 * * * *").GetNextOccurrence(T));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 18, 5, TimeSpan.Zero), CronSchedule.Parse("5 * * * * *").GetNextOccurrence(T));
    }
}
