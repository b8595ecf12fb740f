using Microsoft.Extensions.Options;
using Vigil.Core;

namespace Vigil.LocalHost;

/// <summary>A timer function's schedule and the app setting it was read from.</summary>
public sealed record TimerSchedule(string Setting, string Expression);

/// <summary>The NCRONTAB schedule of each timer function, read from the same app settings the Functions app uses.</summary>
public sealed class TimerScheduleOptions
{
    /// <summary>By function name.</summary>
    public Dictionary<string, TimerSchedule> Schedules { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<string> Errors()
    {
        var errors = new List<string>();
        foreach (var (function, schedule) in Schedules)
        {
            if (!CronSchedule.TryParse(schedule.Expression, out _, out var error)) errors.Add($"{schedule.Setting} (the schedule of {function}): {error}");
        }
        return errors;
    }
}

internal sealed class TimerScheduleValidator : IValidateOptions<TimerScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, TimerScheduleOptions options)
    {
        var errors = options.Errors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
