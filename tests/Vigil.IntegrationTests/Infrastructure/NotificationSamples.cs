using Vigil.Core.Alerts;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>An alert as the channel tests send it.</summary>
public static class NotificationSamples
{
    public static readonly Alert Alert = new()
    {
        Id = Guid.Parse("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"),
        Rule = "sla_violation",
        Group = new Dictionary<string, string> { ["bot"] = "lead_bot", ["operation"] = "full_qualification" },
        GroupKey = "bot=lead_bot|operation=full_qualification",
        Severity = Severity.Critical,
        State = AlertState.Firing,
        Value = 2734,
        Threshold = 2000,
        StartedAt = DateTimeOffset.Parse("2026-11-21T10:04:00Z", System.Globalization.CultureInfo.InvariantCulture),
        FiredAt = DateTimeOffset.Parse("2026-11-21T10:04:00Z", System.Globalization.CultureInfo.InvariantCulture),
        Channels = ["email", "slack", "webhook"],
        Escalates = true,
        Metric = "latency_p95",
        Comparator = ">",
        Window = "5m",
        Description = "P95 latency above the bot/operation SLA target",
    };
}
