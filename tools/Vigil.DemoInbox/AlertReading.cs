namespace Vigil.DemoInbox;

/// <summary>What <see cref="AlertWords"/> found in a notification's text; null where it said nothing.</summary>
internal sealed record AlertReading(string Kind, string? Severity, string? Rule, string? Group, int? Level, string? AlertId);
