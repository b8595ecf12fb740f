namespace Vigil.Core.Notifications;

/// <summary>A link; an action link (Acknowledge) becomes a button where the channel has buttons.</summary>
public sealed record NotificationLink(string Label, string Url, bool IsAction = false);
