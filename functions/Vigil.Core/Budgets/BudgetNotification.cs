using System.Globalization;
using Vigil.Core.Notifications;

namespace Vigil.Core.Budgets;

/// <summary>A crossed budget threshold said as a notification.</summary>
public static class BudgetNotification
{
    public static Notification Build(BudgetMessage m)
    {
        var c = m.Crossing;
        var percent = c.Percent.ToString("0.#", CultureInfo.InvariantCulture);
        var name = c.TenantId is { } tenant ? $"{tenant}/{c.Budget}" : c.Budget;
        var title = $"Budget {name} {(c.Forecast ? "forecast at" : "at")} {percent}% ({Text.Usd(c.SpentUsd)} of {Text.Usd(m.AmountUsd)})";
        var facts = new List<NotificationFact>
        {
            new("Budget", $"{name}: {Text.Usd(m.AmountUsd)} a month"),
            new("Spent", $"{Text.Usd(c.SpentUsd)} ({BudgetService.Percent(c.SpentUsd, m.AmountUsd).ToString("0.#", CultureInfo.InvariantCulture)}%)"),
            new("Forecast", $"{Text.Usd(c.ForecastUsd)} by {m.PeriodEnd:yyyy-MM-dd}"),
            new("Threshold", c.Forecast ? $"{percent}% (forecast)" : $"{percent}%"),
            new("Period", $"{c.PeriodStart:yyyy-MM-dd} to {m.PeriodEnd:yyyy-MM-dd}"),
            new("Done", m.Outcome),
        };
        if (m.DisabledJobs.Count > 0) facts.Add(new("Disabled batch jobs", string.Join(", ", m.DisabledJobs)));
        return new Notification
        {
            Event = "budget_threshold",
            Title = title,
            Summary = m.Summary,
            ShortTitle = Text.Truncate(title, 130),
            Severity = m.IsPage ? "critical" : "warning",
            Status = c.Forecast ? "forecast" : "crossed",
            Facts = facts,
            Incident = IncidentAction.Trigger,
            DedupKey = m.DedupKey,
            Timestamp = c.CrossedAt,
            Group = "budget",
            Class = "spend",
            Entity = $"budget/{name}",
            Tags = ["vigil", "budget"],
            Note = $"{m.Summary}. Done: {m.Outcome}",
            Details = new Dictionary<string, object?>
            {
                ["budget"] = c.Budget,
                ["tenant_id"] = c.TenantId,
                ["spent_usd"] = c.SpentUsd,
                ["amount_usd"] = m.AmountUsd,
                ["forecast_usd"] = c.ForecastUsd,
                ["done"] = m.Outcome,
            },
            Payload = new Dictionary<string, object?>
            {
                ["event"] = "budget_threshold",
                ["summary"] = m.Summary,
                ["budget"] = new Dictionary<string, object?>
                {
                    ["name"] = c.Budget,
                    ["tenant_id"] = c.TenantId,
                    ["amount_usd"] = m.AmountUsd,
                    ["period_start"] = c.PeriodStart,
                    ["period_end"] = m.PeriodEnd,
                    ["spent_usd"] = c.SpentUsd,
                    ["forecast_usd"] = c.ForecastUsd,
                    ["threshold_percent"] = c.Percent,
                    ["forecast"] = c.Forecast,
                    ["actions"] = c.Actions,
                    ["disabled_jobs"] = m.DisabledJobs,
                },
            },
            MailHeader = ("X-Vigil-Budget", name),
        };
    }
}
