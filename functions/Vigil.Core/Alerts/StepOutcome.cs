namespace Vigil.Core.Alerts;

public enum StepResult
{
    /// <summary>Sent now.</summary>
    Sent,

    /// <summary>Sent before (a retry, or another host was first); escalation goes on.</summary>
    AlreadySent,

    /// <summary>A silence mutes the alert: try the same step again at <see cref="StepOutcome.HeldUntil"/>.</summary>
    Held,

    /// <summary>The alert no longer fires (acknowledged, resolved, gone): escalation is over.</summary>
    Stopped,
}

/// <summary>What sending one escalation step did; the engines decide what comes next from it.</summary>
public sealed record StepOutcome(StepResult Result, DateTimeOffset? HeldUntil = null)
{
    public static StepOutcome Stopped { get; } = new(StepResult.Stopped);

    public bool Continues => Result != StepResult.Stopped;
}
