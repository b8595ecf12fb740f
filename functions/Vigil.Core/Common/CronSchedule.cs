using NCrontab;

namespace Vigil.Core;

/// <summary>
/// A timer schedule as the Azure Functions timer trigger reads it: an NCRONTAB expression parsed by
/// NCrontab, the library the Functions host itself uses, with six fields ("{second} {minute} {hour}
/// {day} {month} {day-of-week}") or five (no seconds, as the host accepts too), evaluated in UTC, the
/// host's default. The local host reads every schedule setting through this type, so a setting means
/// the same on both hosts.
/// </summary>
public sealed class CronSchedule
{
    /// <summary>How far ahead an expression must occur at least once to be accepted (Feb 29 occurs every 4 years).</summary>
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(366 * 8);

    private readonly CrontabSchedule _schedule;

    private CronSchedule(string expression, CrontabSchedule schedule)
    {
        Expression = expression;
        _schedule = schedule;
    }

    public string Expression { get; }

    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var schedule, out var error) ? schedule : throw new FormatException(error);

    public static bool TryParse(string? expression, out CronSchedule schedule, out string error)
    {
        schedule = null!;
        error = "";
        var text = (expression ?? "").Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is not (5 or 6))
        {
            error = $"'{expression}' is not an NCRONTAB expression: use six fields (second minute hour day month day-of-week), "
                + "e.g. '0 */1 * * * *', or five without the seconds.";
            return false;
        }
        var options = new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 };
        string? problem = null;
        var parsed = CrontabSchedule.TryParse<CrontabSchedule?>(text, options, s => s, exception =>
        {
            problem = exception().Message;
            return null;
        });
        if (parsed is null)
        {
            error = $"'{expression}' is not a valid NCRONTAB expression: {problem}";
            return false;
        }
        var from = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        if (parsed.GetNextOccurrence(from, from + Horizon) >= from + Horizon)
        {
            error = $"'{expression}' never occurs (no date matches all of its fields).";
            return false;
        }
        schedule = new CronSchedule(text, parsed);
        return true;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC).</summary>
    public DateTimeOffset GetNextOccurrence(DateTimeOffset after) =>
        new(DateTime.SpecifyKind(_schedule.GetNextOccurrence(after.UtcDateTime), DateTimeKind.Utc));

    public override string ToString() => Expression;
}
