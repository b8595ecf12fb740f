namespace Vigil.Core.Notifications;

/// <summary>One labelled fact ("Group", "bot=lead_bot"), shown as a line, a Slack field or an Adaptive Card fact.</summary>
public sealed record NotificationFact(string Name, string Value);
