namespace Vigil.Core.Tests;

public class DurationTextTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("1h", 3600)]
    [InlineData("24h", 86400)]
    [InlineData("7d", 604800)]
    [InlineData("1h30m", 5400)]
    [InlineData("2w", 1209600)]
    public void Contract_durations_parse(string text, int seconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("m")]
    [InlineData("5 m")]
    [InlineData("5M")]
    [InlineData("-5m")]
    [InlineData("5y")]
    [InlineData("00:05:00")]
    public void Malformed_durations_are_refused(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Theory]
    [InlineData(300, "5m")]
    [InlineData(3600, "1h")]
    [InlineData(604800, "7d")]
    [InlineData(90, "1m30s")]
    [InlineData(5400, "1h30m")]
    public void Durations_format_in_their_shortest_form(int seconds, string expected) =>
        Assert.Equal(expected, DurationText.Format(TimeSpan.FromSeconds(seconds)));
}

public class CronScheduleTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 21, 10, 17, 42, TimeSpan.Zero);

    [Theory]
    [InlineData("0 */1 * * * *", "2026-11-21T10:18:00Z")]
    [InlineData("0 */5 * * * *", "2026-11-21T10:20:00Z")]
    [InlineData("30 * * * * *", "2026-11-21T10:18:30Z")]
    [InlineData("*/10 * * * * *", "2026-11-21T10:17:50Z")]
    [InlineData("0 15 * * * *", "2026-11-21T11:15:00Z")]
    [InlineData("0 0 3 * * *", "2026-11-22T03:00:00Z")]
    [InlineData("0 0 0 1 * *", "2026-12-01T00:00:00Z")]
    [InlineData("0 0 9 * * MON-FRI", "2026-11-23T09:00:00Z")]
    [InlineData("0 0 9 * * 0", "2026-11-22T09:00:00Z")]
    [InlineData("0 0 0 1 JAN *", "2027-01-01T00:00:00Z")]
    [InlineData("0 5,35 * * * *", "2026-11-21T10:35:00Z")]
    public void Next_occurrence_matches_ncrontab(string expression, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CronSchedule.Parse(expression).GetNextOccurrence(T));

    [Fact]
    public void Next_occurrence_is_strictly_after_the_given_time()
    {
        var schedule = CronSchedule.Parse("0 */1 * * * *");
        var onTheMinute = new DateTimeOffset(2026, 11, 21, 10, 18, 0, TimeSpan.Zero);
        Assert.Equal(onTheMinute.AddMinutes(1), schedule.GetNextOccurrence(onTheMinute));
    }

    [Theory]
    [InlineData("*/1 * * * *")]
    [InlineData("0 61 * * * *")]
    [InlineData("0 * * * * MONDAY")]
    [InlineData("0 */0 * * * *")]
    [InlineData("0 5-1 * * * *")]
    [InlineData("")]
    public void Invalid_expressions_explain_themselves(string expression)
    {
        Assert.False(CronSchedule.TryParse(expression, out _, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
