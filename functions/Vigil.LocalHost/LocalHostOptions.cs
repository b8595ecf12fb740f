namespace Vigil.LocalHost;

/// <summary>Section <c>Vigil:LocalHost</c>.</summary>
public sealed class LocalHostOptions
{
    public const string Section = "Vigil:LocalHost";

    /// <summary>Run the timer functions on their schedules (tests turn this off and call the admin API).</summary>
    public bool TimersEnabled { get; set; } = true;

    /// <summary>Send escalation levels when they come due (from PostgreSQL).</summary>
    public bool EscalationSchedulerEnabled { get; set; } = true;
}
