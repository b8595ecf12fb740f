using Vigil.Core.Alerts;

namespace Vigil.Core.Incidents;

/// <summary>Section <c>Vigil:Incidents:AckTarget</c>: one duration per priority (defaults from the runbooks, P0 tightened to the page rule of 5 minutes).</summary>
public sealed class AckTargetOptions
{
    public string P0 { get; set; } = "5m";
    public string P1 { get; set; } = "1h";
    public string P2 { get; set; } = "4h";
    public string P3 { get; set; } = "24h";

    public string Of(Priority priority) => priority switch
    {
        Priority.P0 => P0,
        Priority.P1 => P1,
        Priority.P2 => P2,
        _ => P3,
    };
}
