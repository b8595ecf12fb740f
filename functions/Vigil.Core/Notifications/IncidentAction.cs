namespace Vigil.Core.Notifications;

/// <summary>What a notification does to the incident that tools with incidents of their own (PagerDuty, Opsgenie) keep.</summary>
public enum IncidentAction
{
    /// <summary>Nothing to track (a review): incident tools do not take it.</summary>
    None,
    Trigger,
    Acknowledge,
    Resolve,
}
