namespace Vigil.Core.OnCall;

/// <summary>
/// A rotation of people: participants take the primary shift in turn, handing over at
/// <see cref="Handoff"/> wall-clock time in <see cref="TimeZone"/>; the next in line is secondary.
/// The first participant's shift starts at <see cref="Start"/> and ends at the first hand-off after
/// it. An override puts someone else on the primary shift for its span; the displaced primary
/// becomes secondary if the override's person was the secondary.
/// </summary>
public sealed record OnCallSchedule(
    string Name,
    string? TenantId,
    TimeZoneInfo TimeZone,
    Rotation Rotation,
    Handoff Handoff,
    IReadOnlyList<string> Participants,
    IReadOnlyList<ScheduleOverride> Overrides,
    DateTimeOffset Start,
    DateTimeOffset UpdatedAt)
{
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether <see cref="Start"/> was asked for; otherwise a replace keeps the stored one.</summary>
    public bool StartGiven { get; init; }

    public const string SecondarySuffix = ":secondary";

    /// <summary>Who is on call at <paramref name="at"/>.</summary>
    public OnCallShift At(DateTimeOffset at)
    {
        var shifts = HandoffsBetween(Start, at);
        // Before the schedule starts its first participant is answered, from the moment asked.
        var from = at < Start ? at : PreviousHandoff(at) is { } previous && previous > Start ? previous : Start;
        var to = NextHandoff(at < Start ? Start : at);
        var count = Participants.Count;
        var index = (int)(shifts % count);
        var primary = Participants[index];
        var secondary = count > 1 ? Participants[(index + 1) % count] : null;

        // Overrides in force now; the latest-starting one wins where they overlap.
        var active = Overrides.Where(o => o.From <= at && at < o.To).OrderBy(o => o.From).LastOrDefault();
        if (active is not null)
        {
            if (active.Person == secondary) secondary = primary == active.Person ? null : primary;
            primary = active.Person;
            if (secondary == primary) secondary = null;
        }
        // The shift as answered changes at the next override boundary too.
        foreach (var o in Overrides)
        {
            if (o.From <= at && o.From > from) from = o.From;
            if (o.To <= at && o.To > from) from = o.To;
            if (o.From > at && o.From < to) to = o.From;
            if (o.To > at && o.To < to) to = o.To;
        }
        return new OnCallShift(primary, secondary, from, to);
    }

    /// <summary>How many hand-offs fall in (<paramref name="from"/>, <paramref name="to"/>].</summary>
    internal long HandoffsBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from) return 0;
        var date = LocalDate(from);
        var last = LocalDate(to);
        long count = 0;
        // The first and last weeks date by date (a hand-off on the first date may be before
        // `from`, one on the last after `to`); each whole week between holds exactly one weekly
        // hand-off or seven daily ones, all inside the range.
        for (var headEnd = date.AddDays(7); date <= last && date < headEnd; date = date.AddDays(1)) count += CountOn(date, from, to);
        var tailStart = last.AddDays(-7);
        if (date < tailStart)
        {
            var weeks = (tailStart.DayNumber - date.DayNumber) / 7;
            count += weeks * (Rotation == Rotation.Weekly ? 1L : 7L);
            date = date.AddDays(weeks * 7);
        }
        for (; date <= last; date = date.AddDays(1)) count += CountOn(date, from, to);
        return count;
    }

    private int CountOn(DateOnly date, DateTimeOffset from, DateTimeOffset to) =>
        IsHandoffDate(date) && HandoffOn(date) is var instant && instant > from && instant <= to ? 1 : 0;

    /// <summary>The latest hand-off at or before <paramref name="at"/>, looking back a rotation and a day.</summary>
    internal DateTimeOffset? PreviousHandoff(DateTimeOffset at)
    {
        var date = LocalDate(at);
        for (var i = 0; i <= 8; i++, date = date.AddDays(-1))
        {
            if (IsHandoffDate(date) && HandoffOn(date) is var instant && instant <= at) return instant;
        }
        return null;
    }

    /// <summary>The first hand-off after <paramref name="at"/>.</summary>
    internal DateTimeOffset NextHandoff(DateTimeOffset at)
    {
        var date = LocalDate(at);
        for (var i = 0; i <= 8; i++, date = date.AddDays(1))
        {
            if (IsHandoffDate(date) && HandoffOn(date) is var instant && instant > at) return instant;
        }
        throw new InvalidOperationException("no hand-off within eight days; the rotation is daily or weekly");
    }

    private bool IsHandoffDate(DateOnly date) => Handoff.Day is not { } day || date.DayOfWeek == day;

    private DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZone).DateTime);

    /// <summary>
    /// The instant of the hand-off on a local date. A wall-clock time the clocks skip (spring
    /// forward) is moved on by the gap, as a person's watch would be; one that happens twice (fall
    /// back) is its first occurrence.
    /// </summary>
    internal DateTimeOffset HandoffOn(DateOnly date)
    {
        var local = date.ToDateTime(Handoff.Time, DateTimeKind.Unspecified);
        if (TimeZone.IsInvalidTime(local))
        {
            // Read with the offset in force before the gap: 02:30 on a night that skips 02:00-03:00
            // becomes the instant a watch shows 03:30.
            var before = TimeZone.GetUtcOffset(local.AddHours(-6));
            return TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(local - before, DateTimeKind.Utc)), TimeZone);
        }
        var offset = TimeZone.IsAmbiguousTime(local) ? TimeZone.GetAmbiguousTimeOffsets(local).Max() : TimeZone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset);
    }
}
