namespace Vigil.Core.Alerts;

/// <summary>
/// One level of an escalation policy: <see cref="After"/> firing, send to <see cref="Channels"/>
/// (<c>rule</c> stands for the alert's rule's channels) and to the people <see cref="Notify"/> names,
/// through the channels their contact points allow.
/// </summary>
public sealed record EscalationLevel(TimeSpan After, IReadOnlyList<string> Channels, IReadOnlyList<NotifyTarget> Notify);
