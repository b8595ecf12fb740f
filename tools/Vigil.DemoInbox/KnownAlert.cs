namespace Vigil.DemoInbox;

/// <summary>What an earlier trigger said about an alert, for the acknowledge and resolve calls that name only its id.</summary>
internal sealed record KnownAlert(string? Rule, string? Group, string? Severity, int? Level);
