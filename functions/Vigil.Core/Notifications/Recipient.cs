namespace Vigil.Core.Notifications;

/// <summary>
/// A person a notification is for, with the contact points channels can use: an e-mail address
/// (added to the mail's recipients), a Slack user id (an @-mention), a Teams UPN (a mention in the
/// card), a phone number (for the incident tools' responders).
/// </summary>
public sealed record Recipient(string Id, string Name, string? Email = null, string? SlackUserId = null, string? TeamsUpn = null, string? Phone = null);
