namespace Vigil.Core.Notifications;

/// <summary>A headed block of lines, for longer messages such as the weekly review.</summary>
public sealed record NotificationSection(string Heading, IReadOnlyList<string> Lines);
