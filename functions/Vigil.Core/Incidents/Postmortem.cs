namespace Vigil.Core.Incidents;

/// <summary>
/// One write of an alert's postmortem: what it said, who wrote it and when. Writing again adds a
/// revision (the newest is the postmortem); the earlier ones stay, so the timeline shows each write.
/// </summary>
public sealed record Postmortem(Guid AlertId, int Revision, PostmortemText Text, string WrittenBy, DateTimeOffset WrittenAt);
