namespace Vigil.Core.Jobs;

/// <summary>What a run of a timer function did, for logs and the admin endpoint.</summary>
public sealed record JobResult(string Summary, IReadOnlyDictionary<string, long>? Counts = null);

/// <summary>
/// A timer function. Both hosts run the same implementation: the Functions app from a
/// <c>TimerTrigger</c> whose schedule is the app setting <see cref="ScheduleSetting"/>, the local
/// host from its scheduler with the same setting. Every job is safe to run twice and on two hosts
/// at once: the database decides who does what.
/// </summary>
public interface ITimerJob
{
    /// <summary>The function name, as in <c>POST /admin/functions/{name}</c>.</summary>
    string Name { get; }

    /// <summary>The app setting holding the NCRONTAB schedule.</summary>
    string ScheduleSetting { get; }

    string DefaultSchedule { get; }

    Task<JobResult> RunAsync(CancellationToken cancellationToken);
}

public static class TimerJobNames
{
    public const string ComputeRollups = "ComputeRollups";
    public const string EvaluateAlerts = "EvaluateAlerts";
    public const string EvaluateBudgets = "EvaluateBudgets";
    public const string ApplyRetention = "ApplyRetention";
    public const string AdvanceEscalations = "AdvanceEscalations";
    public const string AnalyzeConversations = "AnalyzeConversations";
    public const string SendReview = "SendReview";
}
