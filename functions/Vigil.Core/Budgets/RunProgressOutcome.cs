namespace Vigil.Core.Budgets;

/// <summary>What recording a run's progress did.</summary>
public enum RunProgressOutcome
{
    Recorded,
    AlreadyCompleted,
    NotFound,
}
