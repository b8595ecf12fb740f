using Vigil.Core.OnCall;

namespace Vigil.Core.Tests;

public class OnCallScheduleTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static OnCallSchedule Weekly(params ScheduleOverride[] overrides) => new(
        "primary-oncall", null, Berlin, Rotation.Weekly, new Handoff(DayOfWeek.Monday, new TimeOnly(9, 0)),
        ["alice", "bob", "carol"], overrides, Utc("2026-10-05T07:00:00Z"), Utc("2026-10-01T00:00:00Z"));

    [Fact]
    public void The_first_participant_is_primary_until_the_first_handoff_and_the_next_is_secondary()
    {
        var shift = Weekly().At(Utc("2026-10-07T12:00:00Z"));
        Assert.Equal(new OnCallShift("alice", "bob", Utc("2026-10-05T07:00:00Z"), Utc("2026-10-12T07:00:00Z")), shift);
    }

    [Theory]
    [InlineData("2026-10-12T06:59:59Z", "alice", "bob")]
    [InlineData("2026-10-12T07:00:00Z", "bob", "carol")]
    [InlineData("2026-10-19T07:00:00Z", "carol", "alice")]
    [InlineData("2026-10-26T08:00:00Z", "alice", "bob")]
    public void Participants_take_turns_at_each_handoff(string at, string primary, string secondary)
    {
        var shift = Weekly().At(Utc(at));
        Assert.Equal((primary, secondary), (shift.Primary, shift.Secondary));
    }

    [Fact]
    public void The_handoff_stays_at_nine_local_time_when_the_clocks_go_back()
    {
        // Berlin leaves summer time on Sunday 25 October 2026: Monday's 09:00 is 08:00 UTC, not 07:00.
        var schedule = Weekly();
        Assert.Equal("carol", schedule.At(Utc("2026-10-26T07:30:00Z")).Primary);
        var next = schedule.At(Utc("2026-10-26T08:00:00Z"));
        Assert.Equal("alice", next.Primary);
        Assert.Equal(Utc("2026-10-26T08:00:00Z"), next.From);
        Assert.Equal(Utc("2026-11-02T08:00:00Z"), next.To);
        Assert.Equal(TimeSpan.FromHours(7 * 24 + 1), schedule.At(Utc("2026-10-20T00:00:00Z")).To - schedule.At(Utc("2026-10-20T00:00:00Z")).From);
    }

    [Fact]
    public void A_handoff_time_the_clocks_skip_happens_when_the_watch_shows_it_an_hour_later()
    {
        // 28 March 2027: Berlin skips 02:00-03:00; a daily 02:30 hand-off falls at 03:30 CEST (01:30 UTC).
        var daily = new OnCallSchedule("nights", null, Berlin, Rotation.Daily, new Handoff(null, new TimeOnly(2, 30)),
            ["alice", "bob"], [], Utc("2027-03-20T00:00:00Z"), Utc("2027-03-01T00:00:00Z"));
        Assert.Equal(Utc("2027-03-28T01:30:00Z"), daily.HandoffOn(new DateOnly(2027, 3, 28)));
        Assert.Equal(Utc("2027-03-27T01:30:00Z"), daily.HandoffOn(new DateOnly(2027, 3, 27)));
        Assert.Equal(Utc("2027-03-29T00:30:00Z"), daily.HandoffOn(new DateOnly(2027, 3, 29)));
    }

    [Fact]
    public void A_handoff_time_that_happens_twice_is_its_first_occurrence()
    {
        // 25 October 2026: 02:30 happens at 00:30 UTC (summer time) and again at 01:30 UTC.
        var daily = new OnCallSchedule("nights", null, Berlin, Rotation.Daily, new Handoff(null, new TimeOnly(2, 30)),
            ["alice", "bob"], [], Utc("2026-10-20T00:00:00Z"), Utc("2026-10-01T00:00:00Z"));
        Assert.Equal(Utc("2026-10-25T00:30:00Z"), daily.HandoffOn(new DateOnly(2026, 10, 25)));
    }

    [Fact]
    public void Counting_handoffs_over_years_agrees_with_counting_them_day_by_day()
    {
        var random = new Random(20261202);
        foreach (var rotation in new[] { Rotation.Weekly, Rotation.Daily })
        {
            var schedule = Weekly() with { Rotation = rotation, Handoff = new Handoff(rotation == Rotation.Weekly ? DayOfWeek.Sunday : null, new TimeOnly(2, 30)) };
            for (var i = 0; i < 200; i++)
            {
                var from = Utc("2026-01-01T00:00:00Z").AddMinutes(random.Next(0, 60 * 24 * 800));
                var to = from.AddMinutes(random.Next(0, 60 * 24 * 400));
                Assert.Equal(BruteForce(schedule, from, to), schedule.HandoffsBetween(from, to));
            }
        }

        static long BruteForce(OnCallSchedule s, DateTimeOffset from, DateTimeOffset to)
        {
            long count = 0;
            for (var date = DateOnly.FromDateTime(from.UtcDateTime).AddDays(-1); date <= DateOnly.FromDateTime(to.UtcDateTime).AddDays(1); date = date.AddDays(1))
            {
                if (s.Handoff.Day is { } day && date.DayOfWeek != day) continue;
                var instant = s.HandoffOn(date);
                if (instant > from && instant <= to) count++;
            }
            return count;
        }
    }

    [Fact]
    public void An_override_takes_the_primary_shift_for_its_span_and_cuts_the_shift_at_its_edges()
    {
        var cover = new ScheduleOverride("dave", Utc("2026-10-07T16:00:00Z"), Utc("2026-10-09T08:00:00Z"));
        var schedule = Weekly(cover);
        Assert.Equal(new OnCallShift("alice", "bob", Utc("2026-10-05T07:00:00Z"), cover.From), schedule.At(Utc("2026-10-06T12:00:00Z")));
        Assert.Equal(new OnCallShift("dave", "bob", cover.From, cover.To), schedule.At(Utc("2026-10-08T12:00:00Z")));
        Assert.Equal(new OnCallShift("alice", "bob", cover.To, Utc("2026-10-12T07:00:00Z")), schedule.At(Utc("2026-10-10T12:00:00Z")));
    }

    [Fact]
    public void When_the_secondary_covers_the_primary_they_swap()
    {
        var swap = new ScheduleOverride("bob", Utc("2026-10-06T00:00:00Z"), Utc("2026-10-07T00:00:00Z"));
        var shift = Weekly(swap).At(Utc("2026-10-06T12:00:00Z"));
        Assert.Equal(("bob", "alice"), (shift.Primary, shift.Secondary));
    }

    [Fact]
    public void A_schedule_of_one_has_no_secondary()
    {
        var solo = Weekly() with { Participants = ["alice"] };
        Assert.Equal(new OnCallShift("alice", null, Utc("2026-11-02T08:00:00Z"), Utc("2026-11-09T08:00:00Z")), solo.At(Utc("2026-11-05T00:00:00Z")));
    }

    [Theory]
    [InlineData("mon 09:00", Rotation.Weekly, "mon 09:00")]
    [InlineData("Monday 9:00", Rotation.Weekly, "mon 09:00")]
    [InlineData("sun 23:30", Rotation.Weekly, "sun 23:30")]
    [InlineData("07:15", Rotation.Daily, "07:15")]
    public void Handoffs_read_a_day_and_a_time(string text, Rotation rotation, string expected)
    {
        Assert.True(Handoff.TryParse(text, rotation, out var handoff, out _));
        Assert.Equal(expected, handoff.ToString());
    }

    [Theory]
    [InlineData("09:00", Rotation.Weekly)]
    [InlineData("mon 25:00", Rotation.Weekly)]
    [InlineData("xyz 09:00", Rotation.Weekly)]
    [InlineData("mon 09:00", Rotation.Daily)]
    [InlineData("9am", Rotation.Daily)]
    public void Malformed_handoffs_are_refused_with_a_reason(string text, Rotation rotation)
    {
        Assert.False(Handoff.TryParse(text, rotation, out _, out var error));
        Assert.NotEmpty(error);
    }
}
