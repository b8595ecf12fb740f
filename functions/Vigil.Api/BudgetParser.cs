using System.Text.Json;
using Vigil.Core;
using Vigil.Core.Budgets;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// Reads a budget document (<c>PUT /api/budgets/{name}</c>); every problem is reported against its
/// field. Batch job names are of the budget's own scope: a tenant's budget can only ever name, and
/// stop, its own tenant's jobs.
/// </summary>
public static class BudgetParser
{
    private static readonly string[] FilterNames = ["tenant_id", "bot", "model", "batch_job"];

    /// <summary>The filter for interactive traffic only (events without a batch_job): <c>"interactive": true</c>.</summary>
    private const string Interactive = "interactive";

    private static bool InteractiveFilter(JsonElement value, FieldErrors errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.Null:
                return false;
            case JsonValueKind.False:
                errors.Add("filters",
                    "interactive: false is not a filter; to budget batch work, name its jobs in a batch_job filter (or leave interactive out).");
                return false;
            default:
                errors.Add("filters", "interactive must be true (events of no batch job only).");
                return false;
        }
    }

    public static Budget? Parse(string? tenantId, string name, JsonElement body, FieldErrors errors, DateTimeOffset now, DateTimeOffset? createdAt)
    {
        JsonFields.RejectUnknown(body, errors, "name", "tenant_id", "amount_usd", "period", "filters", "thresholds", "batch_jobs");
        if (!Names.IsValid(name)) errors.Add("name", "a budget name is 1 to 64 characters of lower-case letters, digits, '_', '.' and '-'.");
        if (JsonFields.String(body, "name", errors, required: false, maxLength: 64) is { } bodyName && bodyName != name)
        {
            errors.Add("name", $"the body names budget '{bodyName}' but the URL names '{name}'.");
        }
        var amount = JsonFields.PositiveNumber(body, "amount_usd", errors);
        if (amount is > 1e9) errors.Add("amount_usd", "amount_usd must be at most 1,000,000,000.");
        var period = JsonFields.String(body, "period", errors, required: false, maxLength: 20) ?? Budget.Monthly;
        if (period != Budget.Monthly) errors.Add("period", "only monthly budgets (calendar months, UTC) are supported.");

        var filters = new MetricFilter();
        var interactive = false;
        if (body.TryGetProperty("filters", out var filterElement) && filterElement.ValueKind != JsonValueKind.Null)
        {
            if (filterElement.ValueKind != JsonValueKind.Object) errors.Add("filters", "filters must be an object such as {\"batch_job\": \"nightly\"}.");
            else
            {
                foreach (var f in filterElement.EnumerateObject())
                {
                    if (f.Name == Interactive)
                    {
                        interactive = InteractiveFilter(f.Value, errors);
                        continue;
                    }
                    if (Array.IndexOf(FilterNames, f.Name) < 0 || !Dimensions.TryParse(f.Name, out var d))
                    {
                        errors.Add("filters", $"cannot filter a budget on '{f.Name}'; use {string.Join(", ", FilterNames)} or {Interactive}.");
                        continue;
                    }
                    string[]? values = f.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => [f.Value.GetString()!],
                        JsonValueKind.Array when f.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String) => [.. f.Value.EnumerateArray().Select(v => v.GetString()!)],
                        _ => [],
                    };
                    if (values is null) continue;
                    if (values.Length == 0 || values.Any(string.IsNullOrWhiteSpace)) errors.Add("filters", $"filter '{f.Name}' must be a string or a non-empty array of strings.");
                    else filters.With(d, values);
                }
            }
        }

        if (interactive)
        {
            if (filters.Get(Dimension.BatchJob) is not null)
            {
                errors.Add("filters", "interactive: true counts events of no batch job; it cannot be combined with a batch_job filter.");
            }
            else
            {
                filters.With(Dimension.BatchJob, Budget.NoBatchJob);
            }
        }

        IReadOnlyList<BudgetThreshold> thresholds = Budget.RunbookThresholds;
        if (body.TryGetProperty("thresholds", out var thresholdElement) && thresholdElement.ValueKind != JsonValueKind.Null)
        {
            var parsed = new List<BudgetThreshold>();
            if (thresholdElement.ValueKind != JsonValueKind.Array || thresholdElement.GetArrayLength() == 0)
            {
                errors.Add("thresholds", "thresholds must be a non-empty array of {percent, actions}.");
            }
            else
            {
                var i = 0;
                foreach (var t in thresholdElement.EnumerateArray())
                {
                    var field = $"thresholds[{i++}]";
                    if (t.ValueKind != JsonValueKind.Object)
                    {
                        errors.Add(field, "each threshold is an object {percent, actions, forecast?}.");
                        continue;
                    }
                    foreach (var p in t.EnumerateObject().Where(p => p.Name is not ("percent" or "actions" or "forecast"))) errors.Add($"{field}.{p.Name}", $"unknown field '{p.Name}'.");
                    double percent = 0;
                    if (!t.TryGetProperty("percent", out var percentElement) || percentElement.ValueKind != JsonValueKind.Number || !percentElement.TryGetDouble(out percent) || percent is < 1 or > 1000)
                    {
                        errors.Add($"{field}.percent", "percent must be a number from 1 to 1000.");
                    }
                    var forecast = t.TryGetProperty("forecast", out var fe) && fe.ValueKind == JsonValueKind.True;
                    if (t.TryGetProperty("forecast", out var fe2) && fe2.ValueKind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
                    {
                        errors.Add($"{field}.forecast", "forecast must be true or false.");
                    }
                    var actions = new List<BudgetAction>();
                    if (!t.TryGetProperty("actions", out var actionElement) || actionElement.ValueKind != JsonValueKind.Array || actionElement.GetArrayLength() == 0)
                    {
                        errors.Add($"{field}.actions", "actions must be a non-empty array, e.g. [\"notify:email\"].");
                    }
                    else
                    {
                        foreach (var a in actionElement.EnumerateArray())
                        {
                            if (BudgetAction.TryParse(a.ValueKind == JsonValueKind.String ? a.GetString() : a.GetRawText(), out var action, out var error)) actions.Add(action);
                            else errors.Add($"{field}.actions", error);
                        }
                    }
                    if (parsed.Any(x => x.Percent == percent && x.Forecast == forecast)) errors.Add($"{field}.percent", $"there is already a {(forecast ? "forecast " : "")}threshold at {percent}%.");
                    parsed.Add(new BudgetThreshold(percent, forecast, actions));
                }
            }
            thresholds = parsed;
        }

        IReadOnlyList<string> batchJobs = [];
        var allBatchJobs = false;
        var hasBatchJobs = body.TryGetProperty("batch_jobs", out var jobsElement) && jobsElement.ValueKind != JsonValueKind.Null;
        if (hasBatchJobs)
        {
            if (jobsElement.ValueKind == JsonValueKind.String && jobsElement.GetString() == "all")
            {
                allBatchJobs = true;
            }
            else if (jobsElement.ValueKind == JsonValueKind.Array && jobsElement.EnumerateArray().All(j => j.ValueKind == JsonValueKind.String && Names.IsValid(j.GetString())))
            {
                batchJobs = [.. jobsElement.EnumerateArray().Select(j => j.GetString()!).Distinct(StringComparer.Ordinal)];
            }
            else
            {
                errors.Add("batch_jobs", "batch_jobs must be \"all\" or an array of batch job names.");
            }
        }
        else if (thresholds.Any(t => t.Actions.Any(a => a.DisablesBatchJobs)))
        {
            if (!interactive && filters.Get(Dimension.BatchJob) is { } filtered) batchJobs = filtered;
            else errors.Add("batch_jobs", "say which batch jobs disable_batch_jobs stops: an array of names, or \"all\".");
        }
        if (errors.Any) return null;
        return new Budget
        {
            TenantId = tenantId,
            Name = name,
            AmountUsd = (decimal)amount!.Value,
            Period = period,
            Filters = filters,
            Thresholds = thresholds,
            BatchJobs = batchJobs,
            AllBatchJobs = allBatchJobs,
            CreatedAt = createdAt ?? now,
            UpdatedAt = now,
        };
    }
}
