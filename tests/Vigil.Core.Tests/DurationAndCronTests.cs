using System.Globalization;

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
    [InlineData("0 5/15 * * * *", "2026-11-21T10:20:00Z")]
    [InlineData("10 */1 * * * *", "2026-11-21T10:18:10Z")]
    [InlineData("0 0 9 * * 1", "2026-11-23T09:00:00Z")]
    public void Six_field_schedules_occur_as_the_functions_host_computes_them(string expression, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), CronSchedule.Parse(expression).GetNextOccurrence(T));

    [Theory]
    [InlineData("*/1 * * * *", "2026-11-21T10:18:00Z")]
    [InlineData("30 2 * * *", "2026-11-22T02:30:00Z")]
    public void Five_field_schedules_have_no_seconds_field_as_on_the_functions_host(string expression, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), CronSchedule.Parse(expression).GetNextOccurrence(T));

    [Fact]
    public void Next_occurrence_is_strictly_after_the_given_time()
    {
        var schedule = CronSchedule.Parse("0 */1 * * * *");
        var onTheMinute = new DateTimeOffset(2026, 11, 21, 10, 18, 0, TimeSpan.Zero);
        Assert.Equal(onTheMinute.AddMinutes(1), schedule.GetNextOccurrence(onTheMinute));
        Assert.Equal(onTheMinute.AddMinutes(1), schedule.GetNextOccurrence(onTheMinute.AddMilliseconds(1)));
    }

    [Fact]
    public void Schedules_are_in_utc_so_a_daylight_saving_change_moves_no_run()
    {
        // Europe's clocks went back at 01:00 UTC on 2026-10-25 and go forward on 2027-03-28.
        var daily = CronSchedule.Parse("0 0 9 * * *");
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 9, 0, 0, TimeSpan.Zero), daily.GetNextOccurrence(new DateTimeOffset(2026, 10, 24, 9, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2027, 3, 28, 9, 0, 0, TimeSpan.Zero), daily.GetNextOccurrence(new DateTimeOffset(2027, 3, 27, 9, 0, 0, TimeSpan.Zero)));
        var hourly = CronSchedule.Parse("0 30 * * * *");
        var beforeChange = new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero);
        Assert.Equal(beforeChange.AddHours(1), hourly.GetNextOccurrence(beforeChange));
        // An offset other than UTC is the same instant.
        Assert.Equal(daily.GetNextOccurrence(T), daily.GetNextOccurrence(T.ToOffset(TimeSpan.FromHours(2))));
    }

    [Theory]
    [InlineData("0 61 * * * *")]
    [InlineData("0 0 9 * * 7")]
    [InlineData("0 0 9 * * FUNDAY")]
    [InlineData("* * * *")]
    [InlineData("0 0 0 * * * *")]
    [InlineData("00:05:00")]
    [InlineData("")]
    public void Invalid_expressions_are_refused_with_a_reason(string expression)
    {
        Assert.False(CronSchedule.TryParse(expression, out _, out var error));
        Assert.Contains(expression.Length == 0 ? "NCRONTAB" : expression, error, StringComparison.Ordinal);
    }

    /// <summary>Where NCrontab is lenient the local host is too: the Functions host would run these.</summary>
    [Theory]
    [InlineData("0 * * * * MONDAY", "2026-11-23T00:00:00Z")]
    [InlineData("0 5-1 * * * *", "2026-11-21T11:01:00Z")]
    [InlineData("0 0 9 5 * MON", "2027-04-05T09:00:00Z")]
    public void Lenient_forms_the_functions_host_accepts_are_read_the_same_way(string expression, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, CultureInfo.InvariantCulture), CronSchedule.Parse(expression).GetNextOccurrence(T));

    [Theory]
    [InlineData("0 0 0 30 2 *")]
    [InlineData("0 0 0 31 4 *")]
    public void An_expression_no_date_matches_is_refused_as_never_occurring(string expression)
    {
        Assert.False(CronSchedule.TryParse(expression, out _, out var error));
        Assert.Contains("never occurs", error, StringComparison.Ordinal);
    }

    [Fact]
    public void February_29th_is_accepted_and_occurs_in_the_next_leap_year()
    {
        var leap = CronSchedule.Parse("0 0 0 29 2 *");
        Assert.Equal(new DateTimeOffset(2028, 2, 29, 0, 0, 0, TimeSpan.Zero), leap.GetNextOccurrence(T));
    }
}
