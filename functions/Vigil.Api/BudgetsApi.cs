using Microsoft.AspNetCore.Http;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Budgets;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// Budgets: <c>PUT|GET|DELETE /api/budgets/{name}</c>, <c>GET /api/budgets</c>. A budget lives in
/// one scope (global, or a tenant's: <see cref="Tenancy"/>); a tenant's key sees only its tenant's
/// budgets and their spend, never a global budget's.
/// </summary>
public sealed class BudgetsApi(ApiGate gate, IBudgetStore budgets, BudgetService service, TimeProvider time)
{
    public Task<IResult> PutBudgetAsync(HttpContext context, string name) =>
        gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
        {
            var q = new QueryReader(context.Request.Query, ["tenant_id"]);
            var fromQuery = Tenancy.Requested(q);
            var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
            if (problem is not null) return problem;
            var errors = q.Errors;
            var fromBody = JsonFields.String(body, "tenant_id", errors, required: false, maxLength: Tenancy.MaxTenantLength);
            var (tenant, forbidden) = Tenancy.Write(principal!, fromQuery, fromBody, errors);
            if (forbidden is not null) return forbidden;
            if (Tenancy.CheckTenantFilter(principal!, tenant, body, errors) is { } other) return other;
            var existing = await budgets.GetAsync(tenant, name, cancellationToken);
            var budget = BudgetParser.Parse(tenant, name, body, errors, time.GetUtcNow(), existing?.CreatedAt);
            if (errors.Any) return errors.ToProblem("The budget is invalid; see errors.");
            var created = await budgets.UpsertAsync(budget!, cancellationToken);
            var status = await service.StatusAsync((await budgets.GetAsync(tenant, name, cancellationToken))!, cancellationToken);
            return ApiResults.Json(View(status), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        });

    public Task<IResult> ListBudgetsAsync(HttpContext context) =>
        gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
        {
            var (scope, problem) = Tenancy.ListFromQuery(context, principal!);
            if (problem is not null) return problem;
            var list = new List<object>();
            foreach (var budget in await budgets.ListAsync(scope, cancellationToken))
            {
                list.Add(View(await service.StatusAsync(budget, cancellationToken)));
            }
            return ApiResults.Json(new { budgets = list });
        });

    public Task<IResult> GetBudgetAsync(HttpContext context, string name) =>
        gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
        {
            var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
            if (problem is not null) return problem;
            return await budgets.GetAsync(tenant, name, cancellationToken) is { } budget
                ? ApiResults.Json(View(await service.StatusAsync(budget, cancellationToken)))
                : Problems.NotFound($"No budget '{name}'.");
        });

    public Task<IResult> DeleteBudgetAsync(HttpContext context, string name) =>
        gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
        {
            var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
            if (problem is not null) return problem;
            return await budgets.DeleteAsync(tenant, name, cancellationToken)
                ? Results.NoContent()
                : Problems.NotFound($"No budget '{name}'.");
        });

    /// <summary>The filters as the budget document wrote them: interactive-only reads back as <c>"interactive": true</c>.</summary>
    private static Dictionary<string, object> FiltersView(Budget budget)
    {
        var view = budget.Filters.Values.Where(f => !(budget.InteractiveOnly && f.Key == Dimension.BatchJob))
            .ToDictionary(f => f.Key.ToName(), f => (object)f.Value);
        if (budget.InteractiveOnly) view["interactive"] = true;
        return view;
    }

    private static Dictionary<string, object?> View(BudgetStatus s) => new()
    {
        ["name"] = s.Budget.Name,
        ["tenant_id"] = s.Budget.TenantId,
        ["amount_usd"] = s.Budget.AmountUsd,
        ["period"] = s.Budget.Period,
        ["period_start"] = s.PeriodStart,
        ["period_end"] = s.PeriodEnd,
        ["spent_usd"] = s.SpentUsd,
        ["percent"] = s.Percent,
        ["forecast_usd"] = s.ForecastUsd,
        ["thresholds_crossed"] = s.Crossed.Select(c => new Dictionary<string, object?>
        {
            ["percent"] = c.Percent,
            ["forecast"] = c.Forecast,
            ["crossed_at"] = c.CrossedAt,
            ["spent_usd"] = c.SpentUsd,
            ["forecast_usd"] = c.ForecastUsd,
            ["actions"] = c.Actions,
            ["outcome"] = c.Outcome,
            ["notifications"] = c.Notifications.Select(n => new { channel = n.Channel, status = n.Status.ToName(), attempts = n.Attempts, sent_at = n.SentAt, error = n.Error }),
        }),
        ["filters"] = FiltersView(s.Budget),
        ["thresholds"] = s.Budget.Thresholds.Select(t => new { percent = t.Percent, forecast = t.Forecast, actions = t.Actions.Select(a => a.Text) }),
        ["batch_jobs"] = s.Budget.AllBatchJobs ? "all" : s.Budget.BatchJobs,
        ["warnings"] = s.Warnings,
        ["created_at"] = s.Budget.CreatedAt,
        ["updated_at"] = s.Budget.UpdatedAt,
    };
}
