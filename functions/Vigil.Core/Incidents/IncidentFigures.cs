namespace Vigil.Core.Incidents;

/// <summary>
/// The report's figures over a set of fired alerts. Each mean is over the alerts that have that
/// value (MTTD: a recorded breach start; MTTA: acknowledged; MTTR: resolved), in seconds; null when
/// none has it. <see cref="AckBreaches"/> counts those that missed their acknowledge target (<see cref="AckDeadline"/>).
/// </summary>
public sealed record IncidentFigures(int Count, double? MttdSeconds, double? MttaSeconds, double? MttrSeconds, int AckBreaches)
{
    /// <summary>How many alerts each mean rests on, so a reader can tell a mean of one from a mean of fifty.</summary>
    public int Detected { get; init; }
    public int Acknowledged { get; init; }
    public int Resolved { get; init; }
}
