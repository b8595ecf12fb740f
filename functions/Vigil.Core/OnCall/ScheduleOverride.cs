namespace Vigil.Core.OnCall;

/// <summary>Someone covering the primary shift from <see cref="From"/> until <see cref="To"/> (a swap, a sick day).</summary>
public sealed record ScheduleOverride(string Person, DateTimeOffset From, DateTimeOffset To);
