using System.Globalization;

namespace Vigil.Core.OnCall;

/// <summary>
/// When a schedule hands over, as a wall-clock time in the schedule's time zone: "mon 09:00" for a
/// weekly rotation, "09:00" for a daily one. Wall-clock, so a 09:00 hand-off stays at 09:00 local
/// time across daylight-saving changes.
/// </summary>
public readonly record struct Handoff(DayOfWeek? Day, TimeOnly Time)
{
    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static bool TryParse(string? text, Rotation rotation, out Handoff handoff, out string error)
    {
        handoff = default;
        error = "";
        var parts = (text ?? "").Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        DayOfWeek? day = null;
        string timeText;
        if (rotation == Rotation.Weekly)
        {
            if (parts.Length != 2 || Array.IndexOf(DayNames, parts[0].Length >= 3 ? parts[0][..3] : parts[0]) is var d && d < 0)
            {
                error = $"a weekly hand-off is a day and a time such as \"mon 09:00\" (got \"{text}\").";
                return false;
            }
            day = (DayOfWeek)d;
            timeText = parts[1];
        }
        else
        {
            if (parts.Length != 1)
            {
                error = $"a daily hand-off is a time such as \"09:00\" (got \"{text}\").";
                return false;
            }
            timeText = parts[0];
        }
        if (!TimeOnly.TryParseExact(timeText, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            error = $"the hand-off time must be HH:mm on a 24-hour clock (got \"{timeText}\").";
            return false;
        }
        handoff = new Handoff(day, time);
        return true;
    }

    public override string ToString() =>
        (Day is { } day ? DayNames[(int)day] + " " : "") + Time.ToString("HH:mm", CultureInfo.InvariantCulture);
}
