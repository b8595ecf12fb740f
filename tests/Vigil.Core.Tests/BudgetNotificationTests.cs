using Vigil.Core.Budgets;
using Vigil.Core.Notifications;

namespace Vigil.Core.Tests;

/// <summary>What a crossed budget threshold tells its channels.</summary>
public class BudgetNotificationTests
{
    private static readonly DateTimeOffset PeriodStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset PeriodEnd = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset CrossedAt = new(2026, 11, 11, 8, 30, 0, TimeSpan.Zero);

    private static BudgetMessage Message(string? tenant = null, bool forecast = false, string action = "notify:email", IReadOnlyList<string>? disabled = null) =>
        new(new ThresholdCrossing(tenant, "llm", PeriodStart, 75, forecast, CrossedAt, 1234.5m, 3703.5m, [action], "notify:email", []), 2000m, PeriodEnd, disabled ?? []);

    [Fact]
    public void A_crossing_says_the_budget_the_percentage_and_the_money()
    {
        var n = BudgetNotification.Build(Message());
        Assert.Equal("Budget llm at 75% ($1,234.50 of $2,000.00)", n.Title);
        Assert.Equal("Budget 'llm' has reached 75% of $2,000.00: spent $1,234.50 (61.7%), forecast $3,703.50 by 2026-12-01", n.Summary);
        Assert.Equal(
            [
                "Budget: llm: $2,000.00 a month", "Spent: $1,234.50 (61.7%)", "Forecast: $3,703.50 by 2026-12-01", "Threshold: 75%",
                "Period: 2026-11-01 to 2026-12-01", "Done: notify:email",
            ],
            n.Facts.Select(f => $"{f.Name}: {f.Value}"));
        Assert.Equal("budget_threshold", n.Event);
        Assert.Equal("warning", n.Severity);
        Assert.Equal("crossed", n.Status);
        Assert.Equal(IncidentAction.Trigger, n.Incident);
        Assert.Equal(CrossedAt, n.Timestamp);
        Assert.Equal("budget:llm:2026-11:75", n.DedupKey);
        Assert.Equal(("X-Vigil-Budget", "llm"), n.MailHeader);
        Assert.Equal("budget/llm", n.Entity);
        Assert.Equal(["vigil", "budget"], n.Tags);
        Assert.Equal(("budget", "spend"), (n.Group, n.Class));
        Assert.Equal($"{n.Summary}. Done: notify:email", n.Note);
    }

    [Fact]
    public void A_forecast_crossing_of_a_tenants_budget_says_both()
    {
        var n = BudgetNotification.Build(Message(tenant: "acme", forecast: true));
        Assert.Equal("Budget acme/llm forecast at 75% ($1,234.50 of $2,000.00)", n.Title);
        Assert.StartsWith("Budget 'llm' of tenant 'acme' is forecast to reach 75%", n.Summary, StringComparison.Ordinal);
        Assert.Equal("forecast", n.Status);
        Assert.Contains(n.Facts, f => f is { Name: "Threshold", Value: "75% (forecast)" });
        Assert.Equal("budget:acme/llm:2026-11:forecast-75", n.DedupKey);
        Assert.Equal(("X-Vigil-Budget", "acme/llm"), n.MailHeader);
    }

    [Fact]
    public void Paging_is_critical_and_disabled_jobs_are_listed()
    {
        var n = BudgetNotification.Build(Message(action: "page", disabled: ["nightly", "weekly"]));
        Assert.Equal("critical", n.Severity);
        Assert.Contains(n.Facts, f => f is { Name: "Disabled batch jobs", Value: "nightly, weekly" });
    }

    [Fact]
    public void The_webhook_payload_and_details_carry_the_figures()
    {
        var n = BudgetNotification.Build(Message(tenant: "acme", disabled: ["nightly"]));
        Assert.Equal("budget_threshold", n.Payload["event"]);
        Assert.Equal(n.Summary, n.Payload["summary"]);
        var budget = (Dictionary<string, object?>)n.Payload["budget"]!;
        Assert.Equal("llm", budget["name"]);
        Assert.Equal("acme", budget["tenant_id"]);
        Assert.Equal(2000m, budget["amount_usd"]);
        Assert.Equal(PeriodStart, budget["period_start"]);
        Assert.Equal(PeriodEnd, budget["period_end"]);
        Assert.Equal(1234.5m, budget["spent_usd"]);
        Assert.Equal(3703.5m, budget["forecast_usd"]);
        Assert.Equal(75.0, budget["threshold_percent"]);
        Assert.Equal(false, budget["forecast"]);
        Assert.Equal(["notify:email"], (IReadOnlyList<string>)budget["actions"]!);
        Assert.Equal(["nightly"], (IReadOnlyList<string>)budget["disabled_jobs"]!);
        Assert.Equal("llm", n.Details["budget"]);
        Assert.Equal("acme", n.Details["tenant_id"]);
        Assert.Equal(1234.5m, n.Details["spent_usd"]);
        Assert.Equal(2000m, n.Details["amount_usd"]);
        Assert.Equal(3703.5m, n.Details["forecast_usd"]);
        Assert.Equal("notify:email", n.Details["done"]);
    }
}
