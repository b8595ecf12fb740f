using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Budgets;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>Budgets, and batch jobs with their runs and their gate.</summary>
public sealed class BudgetsApi(ApiGate gate, IBudgetStore budgets, IBatchJobStore jobs, BudgetService service, TimeProvider time)
{
    private static readonly string[] BudgetFilterNames = ["tenant_id", "bot", "model", "batch_job"];

    public Task<IResult> PutBudgetAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (_, cancellationToken) =>
    {
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = new FieldErrors();
        var existing = await budgets.GetAsync(name, cancellationToken);
        var budget = ParseBudget(name, body, errors, time.GetUtcNow(), existing?.CreatedAt);
        if (errors.Any) return errors.ToProblem("The budget is invalid; see errors.");
        var created = await budgets.UpsertAsync(budget!, cancellationToken);
        var status = await service.StatusAsync((await budgets.GetAsync(name, cancellationToken))!, cancellationToken);
        return ApiResults.Json(View(status), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    });

    public Task<IResult> ListBudgetsAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (_, cancellationToken) =>
    {
        var list = new List<object>();
        foreach (var budget in await budgets.ListAsync(cancellationToken)) list.Add(View(await service.StatusAsync(budget, cancellationToken)));
        return ApiResults.Json(new { budgets = list });
    });

    public Task<IResult> GetBudgetAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Read, async (_, cancellationToken) =>
        await budgets.GetAsync(name, cancellationToken) is { } budget
            ? ApiResults.Json(View(await service.StatusAsync(budget, cancellationToken)))
            : Problems.NotFound($"No budget '{name}'."));

    public Task<IResult> DeleteBudgetAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (_, cancellationToken) =>
        await budgets.DeleteAsync(name, cancellationToken) ? Results.NoContent() : Problems.NotFound($"No budget '{name}'."));

    public Task<IResult> PutJobAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (_, cancellationToken) =>
    {
        var description = "";
        if (HasBody(context.Request))
        {
            var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
            if (problem is not null) return problem;
            var errors = new FieldErrors();
            description = JsonFields.String(body, "description", errors, required: false, maxLength: 500) ?? "";
            JsonFields.RejectUnknown(body, errors, "description");
            if (errors.Any) return errors.ToProblem();
        }
        if (!Names.IsValid(name)) return FieldErrors.Single("name", "a batch job name is 1 to 64 characters of lower-case letters, digits, '_', '.' and '-'.");
        var created = await jobs.UpsertAsync(name, description, time.GetUtcNow(), cancellationToken);
        return ApiResults.Json(await JobViewAsync((await jobs.GetAsync(name, cancellationToken))!, cancellationToken), created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    });

    public Task<IResult> ListJobsAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (_, cancellationToken) =>
        ApiResults.Json(new { batch_jobs = (await jobs.ListAsync(cancellationToken)).Select(j => JobView(j, null)) }));

    public Task<IResult> GetJobAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Read, async (_, cancellationToken) =>
        await jobs.GetAsync(name, cancellationToken) is { } job ? ApiResults.Json(await JobViewAsync(job, cancellationToken)) : Problems.NotFound($"No batch job '{name}'."));

    public Task<IResult> EnableJobAsync(HttpContext context, string name) => SetJobEnabledAsync(context, name, true);

    public Task<IResult> DisableJobAsync(HttpContext context, string name) => SetJobEnabledAsync(context, name, false);

    private Task<IResult> SetJobEnabledAsync(HttpContext context, string name, bool enabled) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        string? by = null;
        string? reason = null;
        if (HasBody(context.Request))
        {
            var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
            if (problem is not null) return problem;
            var errors = new FieldErrors();
            by = JsonFields.String(body, "by", errors, required: false, maxLength: 200);
            reason = JsonFields.String(body, "reason", errors, required: false, maxLength: 1000);
            JsonFields.RejectUnknown(body, errors, "by", "reason");
            if (errors.Any) return errors.ToProblem();
        }
        var job = await jobs.SetEnabledAsync(name, enabled, by ?? principal!.Name, reason, time.GetUtcNow(), cancellationToken);
        return job is null ? Problems.NotFound($"No batch job '{name}'.") : ApiResults.Json(await JobViewAsync(job, cancellationToken));
    });

    public Task<IResult> StartRunAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Ingest, async (principal, cancellationToken) =>
    {
        decimal? estimate = null;
        if (HasBody(context.Request))
        {
            var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
            if (problem is not null) return problem;
            var errors = new FieldErrors();
            estimate = (decimal?)JsonFields.PositiveNumber(body, "estimated_cost_usd", errors, required: false, allowZero: true);
            JsonFields.RejectUnknown(body, errors, "estimated_cost_usd");
            if (errors.Any) return errors.ToProblem();
        }
        var verdict = await service.CheckRunAsync(name, estimate, cancellationToken);
        switch (verdict.Outcome)
        {
            case RunGateOutcome.UnknownJob:
                return Problems.NotFound(verdict.Detail);
            case RunGateOutcome.Locked:
                return Problems.Locked(verdict.Detail).With("batch_job", name).With("budget", verdict.Budget);
        }
        var run = await jobs.StartRunAsync(name, estimate, principal!.Name, time.GetUtcNow(), cancellationToken);
        return ApiResults.Json(RunView(run), StatusCodes.Status201Created);
    });

    public Task<IResult> CompleteRunAsync(HttpContext context, string name, string runId) => gate.RunAsync(context, Permission.Ingest, async (_, cancellationToken) =>
    {
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = new FieldErrors();
        var succeeded = Count(body, "succeeded", errors);
        var failed = Count(body, "failed", errors);
        var cost = JsonFields.PositiveNumber(body, "cost_usd", errors, required: true, allowZero: true);
        JsonFields.RejectUnknown(body, errors, "succeeded", "failed", "cost_usd");
        if (errors.Any) return errors.ToProblem();
        var (outcome, run) = await jobs.CompleteRunAsync(name, runId, succeeded!.Value, failed!.Value, (decimal)cost!.Value, time.GetUtcNow(), cancellationToken);
        return outcome switch
        {
            RunCompletion.Completed => ApiResults.Json(RunView(run!)),
            RunCompletion.AlreadyCompleted => Problems.Conflict($"Run '{runId}' of '{name}' was already completed at {run!.CompletedAt:u}.").With("run", RunView(run)),
            _ => Problems.NotFound($"No run '{runId}' of batch job '{name}'."),
        };
    });

    public Task<IResult> ListRunsAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Read, async (_, cancellationToken) =>
    {
        if (await jobs.GetAsync(name, cancellationToken) is null) return Problems.NotFound($"No batch job '{name}'.");
        var q = new QueryReader(context.Request.Query, ["limit"]);
        var limit = q.Int("limit", 100, 1, 1000);
        if (q.Errors.Any) return q.Errors.ToProblem();
        return ApiResults.Json(new { runs = (await jobs.RunsAsync(name, limit, cancellationToken)).Select(RunView) });
    });

    private static bool HasBody(HttpRequest request) => request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0;

    private static long? Count(JsonElement body, string name, FieldErrors errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(name, $"{name} is required.");
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var count) || count < 0)
        {
            errors.Add(name, $"{name} must be a whole number, 0 or more.");
            return null;
        }
        return count;
    }

    internal static Budget? ParseBudget(string name, JsonElement body, FieldErrors errors, DateTimeOffset now, DateTimeOffset? createdAt)
    {
        JsonFields.RejectUnknown(body, errors, "name", "amount_usd", "period", "filters", "thresholds", "batch_jobs");
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
        if (body.TryGetProperty("filters", out var filterElement) && filterElement.ValueKind != JsonValueKind.Null)
        {
            if (filterElement.ValueKind != JsonValueKind.Object) errors.Add("filters", "filters must be an object such as {\"batch_job\": \"nightly\"}.");
            else
            {
                foreach (var f in filterElement.EnumerateObject())
                {
                    if (Array.IndexOf(BudgetFilterNames, f.Name) < 0 || !Dimensions.TryParse(f.Name, out var d))
                    {
                        errors.Add("filters", $"cannot filter a budget on '{f.Name}'; use {string.Join(", ", BudgetFilterNames)}.");
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

        IReadOnlyList<string>? batchJobs = null;
        var hasBatchJobs = body.TryGetProperty("batch_jobs", out var jobsElement) && jobsElement.ValueKind != JsonValueKind.Null;
        if (hasBatchJobs)
        {
            if (jobsElement.ValueKind == JsonValueKind.String && jobsElement.GetString() == "all")
            {
                batchJobs = null;
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
            if (filters.Get(Dimension.BatchJob) is { } filtered) batchJobs = filtered;
            else errors.Add("batch_jobs", "say which batch jobs disable_batch_jobs stops: an array of names, or \"all\".");
        }
        if (errors.Any) return null;
        return new Budget
        {
            Name = name,
            AmountUsd = (decimal)amount!.Value,
            Period = period,
            Filters = filters,
            Thresholds = thresholds,
            BatchJobs = batchJobs,
            CreatedAt = createdAt ?? now,
            UpdatedAt = now,
        };
    }

    private static object View(BudgetStatus s) => new Dictionary<string, object?>
    {
        ["name"] = s.Budget.Name,
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
        ["filters"] = s.Budget.Filters.Values.ToDictionary(f => f.Key.ToName(), f => f.Value),
        ["thresholds"] = s.Budget.Thresholds.Select(t => new { percent = t.Percent, forecast = t.Forecast, actions = t.Actions.Select(a => a.Text) }),
        ["batch_jobs"] = s.Budget.BatchJobs is { } list ? list : "all",
        ["created_at"] = s.Budget.CreatedAt,
        ["updated_at"] = s.Budget.UpdatedAt,
    };

    private async Task<object> JobViewAsync(BatchJob job, CancellationToken cancellationToken) => JobView(job, await jobs.AuditAsync(job.Name, 20, cancellationToken));

    private static object JobView(BatchJob job, IReadOnlyList<BatchJobAudit>? audit)
    {
        var view = new Dictionary<string, object?>
        {
            ["name"] = job.Name,
            ["enabled"] = job.Enabled,
            ["disabled_reason"] = job.DisabledReason,
            ["disabled_by"] = job.DisabledBy,
            ["disabled_at"] = job.DisabledAt,
            ["description"] = job.Description,
            ["created_at"] = job.CreatedAt,
            ["updated_at"] = job.UpdatedAt,
        };
        if (audit is not null) view["audit"] = audit.Select(a => new { action = a.Action, by = a.By, reason = a.Reason, at = a.At });
        return view;
    }

    private object RunView(BatchRun run)
    {
        var now = time.GetUtcNow();
        return new Dictionary<string, object?>
        {
            ["run_id"] = run.RunId,
            ["job"] = run.Job,
            ["status"] = run.Completed ? "completed" : "running",
            ["started_at"] = run.StartedAt,
            ["completed_at"] = run.CompletedAt,
            ["duration_seconds"] = Math.Round(run.Duration(now).TotalSeconds, 3),
            ["estimated_cost_usd"] = run.EstimatedCostUsd,
            ["succeeded"] = run.Succeeded,
            ["failed"] = run.Failed,
            ["items"] = run.Items,
            ["success_rate"] = run.SuccessRate is { } rate ? Math.Round(rate, 6) : null,
            ["cost_usd"] = run.CostUsd,
            ["cost_per_item"] = run.CostPerItem,
            ["flags"] = run.Flags(now),
            ["started_by"] = run.StartedBy,
        };
    }
}
