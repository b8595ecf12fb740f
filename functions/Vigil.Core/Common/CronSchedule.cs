using System.Globalization;

namespace Vigil.Core;

/// <summary>
/// A six-field NCRONTAB expression ("{second} {minute} {hour} {day} {month} {day-of-week}") as Azure
/// Functions timer triggers write them, evaluated in UTC. Like NCrontab, which the Functions host
/// uses, a day must satisfy both the day-of-month and the day-of-week field.
/// </summary>
public sealed class CronSchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _weekdays;

    private CronSchedule(string expression, bool[][] fields)
    {
        Expression = expression;
        (_seconds, _minutes, _hours, _days, _months, _weekdays) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    public string Expression { get; }

    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    public static bool TryParse(string? expression, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        error = "";
        var parts = (expression ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            error = $"'{expression}' is not a six-field NCRONTAB expression such as '0 */1 * * * *' (second minute hour day month day-of-week).";
            return false;
        }
        (int Min, int Max, string[]? Names, string What)[] specs =
        [
            (0, 59, null, "second"), (0, 59, null, "minute"), (0, 23, null, "hour"),
            (1, 31, null, "day of month"), (1, 12, MonthNames, "month"), (0, 6, DayNames, "day of week"),
        ];
        var fields = new bool[6][];
        for (var f = 0; f < 6; f++)
        {
            var spec = specs[f];
            if (!TryParseField(parts[f], spec.Min, spec.Max, spec.Names, out fields[f]))
            {
                error = $"'{parts[f]}' is not a valid {spec.What} field in '{expression}' (allowed {spec.Min}-{spec.Max}, '*', lists, ranges and steps).";
                return false;
            }
        }
        schedule = new CronSchedule(string.Join(' ', parts), fields);
        return true;
    }

    private static bool TryParseField(string text, int min, int max, string[]? names, out bool[] allowed)
    {
        allowed = new bool[max + 1];
        foreach (var item in text.Split(','))
        {
            var step = 1;
            var rangeText = item;
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(item.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step <= 0) return false;
                rangeText = item[..slash];
            }
            int lo, hi;
            if (rangeText == "*")
            {
                (lo, hi) = (min, max);
            }
            else
            {
                var dash = rangeText.IndexOf('-', StringComparison.Ordinal);
                if (dash >= 0)
                {
                    if (!TryValue(rangeText[..dash], names, min, out lo) || !TryValue(rangeText[(dash + 1)..], names, min, out hi)) return false;
                }
                else
                {
                    if (!TryValue(rangeText, names, min, out lo)) return false;
                    hi = slash >= 0 ? max : lo;
                }
            }
            if (lo < min || hi > max || lo > hi) return false;
            for (var v = lo; v <= hi; v += step) allowed[v] = true;
        }
        return true;

        static bool TryValue(string s, string[]? names, int min, out int value)
        {
            if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
            if (names is null) return false;
            var index = Array.FindIndex(names, n => n.Equals(s, StringComparison.OrdinalIgnoreCase));
            value = index + min;
            return index >= 0;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC, whole seconds).</summary>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var t = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
                continue;
            }
            if (!_days[t.Day] || !_weekdays[(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
                continue;
            }
            if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
                continue;
            }
            if (!_minutes[t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
                continue;
            }
            if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
                continue;
            }
            return new DateTimeOffset(t, TimeSpan.Zero);
        }
        throw new InvalidOperationException($"'{Expression}' never occurs.");
    }

    public override string ToString() => Expression;
}
