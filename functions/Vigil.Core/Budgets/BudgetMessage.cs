using System.Globalization;

namespace Vigil.Core.Budgets;

/// <summary>What a channel is told about a crossed budget threshold.</summary>
public sealed record BudgetMessage(ThresholdCrossing Crossing, decimal AmountUsd, DateTimeOffset PeriodEnd, IReadOnlyList<string> DisabledJobs)
{
    public bool IsPage => Crossing.Actions.Contains(BudgetAction.Page);

    /// <summary>One incident per budget, period and threshold in PagerDuty and Opsgenie (a tenant's budget apart from a global one of the same name).</summary>
    public string DedupKey =>
        $"budget:{(Crossing.TenantId is { } tenant ? tenant + "/" : "")}{Crossing.Budget}:{Crossing.PeriodStart:yyyy-MM}:" +
        $"{(Crossing.Forecast ? "forecast-" : "")}{Crossing.Percent.ToString("0.###", CultureInfo.InvariantCulture)}";

    public string Summary =>
        $"Budget '{Crossing.Budget}'{(Crossing.TenantId is { } tenant ? $" of tenant '{tenant}'" : "")} " +
        $"{(Crossing.Forecast ? "is forecast to reach" : "has reached")} {Crossing.Percent:0.#}% of ${AmountUsd:N2}: " +
        $"spent ${Crossing.SpentUsd:N2} ({BudgetService.Percent(Crossing.SpentUsd, AmountUsd):0.#}%), forecast ${Crossing.ForecastUsd:N2} by {PeriodEnd:yyyy-MM-dd}";

    public string Outcome => Crossing.Outcome;
}
