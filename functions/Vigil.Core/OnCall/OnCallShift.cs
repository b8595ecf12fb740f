namespace Vigil.Core.OnCall;

/// <summary>Who is on call, and the span of time during which exactly these two are.</summary>
public sealed record OnCallShift(string Primary, string? Secondary, DateTimeOffset From, DateTimeOffset To);
