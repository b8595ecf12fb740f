using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

/// <summary>
/// When an alert had to be acknowledged by, and whether that was missed. The clock starts when it
/// fired (an alert that never fired has no deadline). Missed means the alert stayed open and
/// unacknowledged past its deadline: acknowledged after it; resolved without an acknowledgement
/// after it (nobody answered while it was open — resolving before the deadline is no breach, since
/// there was nothing left to answer); or still open, unacknowledged, past it when read.
/// </summary>
public static class AckDeadline
{
    public static DateTimeOffset? DueAt(DateTimeOffset? firedAt, Priority priority, IncidentOptions options) =>
        firedAt is { } fired ? fired + options.TargetFor(priority) : null;

    public static bool IsBreached(DateTimeOffset? dueAt, DateTimeOffset? acknowledgedAt, DateTimeOffset? resolvedAt, DateTimeOffset now) =>
        dueAt is { } due && (acknowledgedAt ?? resolvedAt ?? now) > due;
}
