using Vigil.Core.Alerts;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Alerts as the evaluator leaves them, for tests that start from one.</summary>
internal static class TestAlerts
{
    /// <summary>A firing critical alert of lead_bot, planned from <paramref name="policy"/> (the default of 5 and 15 minutes if none).</summary>
    public static Alert Firing(DateTimeOffset firedAt, EscalationPolicy? policy = null, string rule = "high_error_rate", string? tenant = null, bool escalates = true)
    {
        var alert = new Alert
        {
            Id = Guid.NewGuid(),
            RuleTenantId = tenant,
            TenantId = tenant,
            Rule = rule,
            Group = new Dictionary<string, string> { ["bot"] = "lead_bot" },
            GroupKey = "bot=lead_bot",
            Severity = Severity.Critical,
            State = AlertState.Firing,
            Value = 0.25,
            Threshold = 0.1,
            StartedAt = firedAt,
            FiredAt = firedAt,
            Channels = [Channels.Slack],
            Escalates = escalates,
            Metric = "error_rate",
            Comparator = ">",
            Window = "5m",
        };
        return alert with { Plan = EscalationPlanner.Plan(alert, policy ?? EscalationPolicy.Default(new EscalationOptions(), firedAt)) };
    }
}
