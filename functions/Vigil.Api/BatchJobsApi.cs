using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Auth;
using Vigil.Core.Budgets;

namespace Vigil.Api;

/// <summary>
/// Batch jobs, their runs and their gate: <c>/api/batch-jobs…</c>. A job lives in one scope (global,
/// or a tenant's: <see cref="Tenancy"/>); a tenant's key registers, lists, starts, completes and
/// (admin) enables or disables only its tenant's jobs — another tenant's job is not found.
/// </summary>
public sealed class BatchJobsApi(ApiGate gate, IBatchJobStore jobs, BudgetService service, TimeProvider time)
{
    private static readonly TimeSpan MinExpectation = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MaxExpectation = TimeSpan.FromDays(31);

    public Task<IResult> PutJobAsync(HttpContext context, string name) =>
        gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
        {
            var q = new QueryReader(context.Request.Query, ["tenant_id"]);
            var fromQuery = Tenancy.Requested(q);
            var errors = q.Errors;
            var description = "";
            string? fromBody = null;
            TimeSpan? expectedEvery = null, maxDuration = null;
            if (HasBody(context.Request))
            {
                var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
                if (problem is not null) return problem;
                description = JsonFields.String(body, "description", errors, required: false, maxLength: 500) ?? "";
                fromBody = JsonFields.String(body, "tenant_id", errors, required: false, maxLength: Tenancy.MaxTenantLength);
                expectedEvery = Expectation(body, "expected_every", errors);
                maxDuration = Expectation(body, "max_duration", errors);
                JsonFields.RejectUnknown(body, errors, "description", "tenant_id", "expected_every", "max_duration");
            }
            var (tenant, forbidden) = Tenancy.Write(principal!, fromQuery, fromBody, errors);
            if (forbidden is not null) return forbidden;
            if (errors.Any) return errors.ToProblem();
            if (!Names.IsValid(name))
            {
                return FieldErrors.Single("name", "a batch job name is 1 to 64 characters of lower-case letters, digits, '_', '.' and '-'.");
            }
            var created = await jobs.UpsertAsync(tenant, name, description, expectedEvery, maxDuration, time.GetUtcNow(), cancellationToken);
            var job = (await jobs.GetAsync(tenant, name, cancellationToken))!;
            var status = created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
            return ApiResults.Json(await JobViewAsync(job, cancellationToken), status);
        });

    public Task<IResult> ListJobsAsync(HttpContext context) =>
        gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
        {
            var (scope, problem) = Tenancy.ListFromQuery(context, principal!);
            if (problem is not null) return problem;
            return ApiResults.Json(new { batch_jobs = (await jobs.ListAsync(scope, cancellationToken)).Select(j => JobView(j, null)) });
        });

    public Task<IResult> GetJobAsync(HttpContext context, string name) =>
        gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
        {
            var (tenant, problem) = Tenancy.AddressFromQuery(context, principal!);
            if (problem is not null) return problem;
            return await jobs.GetAsync(tenant, name, cancellationToken) is { } job
                ? ApiResults.Json(await JobViewAsync(job, cancellationToken))
                : NoJob(name);
        });

    public Task<IResult> EnableJobAsync(HttpContext context, string name) => SetJobEnabledAsync(context, name, true);

    public Task<IResult> DisableJobAsync(HttpContext context, string name) => SetJobEnabledAsync(context, name, false);

    private Task<IResult> SetJobEnabledAsync(HttpContext context, string name, bool enabled) =>
        gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
        {
            var q = new QueryReader(context.Request.Query, ["tenant_id"]);
            var (tenant, forbidden) = Tenancy.Address(principal!, Tenancy.Requested(q));
            if (forbidden is not null) return forbidden;
            var errors = q.Errors;
            string? by = null;
            string? reason = null;
            if (HasBody(context.Request))
            {
                var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
                if (problem is not null) return problem;
                by = JsonFields.String(body, "by", errors, required: false, maxLength: 200);
                reason = JsonFields.String(body, "reason", errors, required: false, maxLength: 1000);
                JsonFields.RejectUnknown(body, errors, "by", "reason");
            }
            if (errors.Any) return errors.ToProblem();
            var job = await jobs.SetEnabledAsync(tenant, name, enabled, by ?? principal!.Name, reason, time.GetUtcNow(), cancellationToken);
            return job is null ? NoJob(name) : ApiResults.Json(await JobViewAsync(job, cancellationToken));
        });

    public Task<IResult> StartRunAsync(HttpContext context, string name) =>
        gate.RunAsync(context, Permission.Ingest, async (principal, cancellationToken) =>
        {
            var q = new QueryReader(context.Request.Query, ["tenant_id"]);
            var (tenant, forbidden) = Tenancy.Address(principal!, Tenancy.Requested(q));
            if (forbidden is not null) return forbidden;
            var errors = q.Errors;
            decimal? estimate = null;
            if (HasBody(context.Request))
            {
                var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
                if (problem is not null) return problem;
                estimate = (decimal?)JsonFields.PositiveNumber(body, "estimated_cost_usd", errors, required: false, allowZero: true);
                JsonFields.RejectUnknown(body, errors, "estimated_cost_usd");
            }
            if (errors.Any) return errors.ToProblem();
            var verdict = await service.CheckRunAsync(tenant, name, estimate, cancellationToken);
            switch (verdict.Outcome)
            {
                case RunGateOutcome.UnknownJob:
                    return Problems.NotFound(verdict.Detail);
                case RunGateOutcome.Locked:
                    return Problems.Locked(verdict.Detail).With("batch_job", name).With("budget", verdict.Budget);
            }
            var run = await jobs.StartRunAsync(verdict.Job!, estimate, principal!.Name, time.GetUtcNow(), cancellationToken);
            return ApiResults.Json(RunView(run), StatusCodes.Status201Created);
        });

    public Task<IResult> CompleteRunAsync(HttpContext context, string name, string runId) =>
        gate.RunAsync(context, Permission.Ingest, async (principal, cancellationToken) =>
        {
            var q = new QueryReader(context.Request.Query, ["tenant_id"]);
            var (tenant, forbidden) = Tenancy.Address(principal!, Tenancy.Requested(q));
            if (forbidden is not null) return forbidden;
            var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
            if (problem is not null) return problem;
            var errors = q.Errors;
            var succeeded = Count(body, "succeeded", errors);
            var failed = Count(body, "failed", errors);
            var cost = JsonFields.PositiveNumber(body, "cost_usd", errors, required: true, allowZero: true);
            JsonFields.RejectUnknown(body, errors, "succeeded", "failed", "cost_usd");
            if (errors.Any) return errors.ToProblem();
            var (outcome, run) = await jobs.CompleteRunAsync(tenant, name, runId, succeeded!.Value, failed!.Value, (decimal)cost!.Value,
                time.GetUtcNow(), cancellationToken);
            if (run is not null) run = (await service.WithCostsAsync([run], cancellationToken))[0];
            return outcome switch
            {
                RunCompletion.Completed => ApiResults.Json(RunView(run!)),
                RunCompletion.AlreadyCompleted =>
                    Problems.Conflict($"Run '{runId}' of '{name}' was already completed at {run!.CompletedAt:u}.").With("run", RunView(run)),
                _ => Problems.NotFound($"No run '{runId}' of batch job '{name}'."),
            };
        });

    /// <summary>POST /api/batch-jobs/{name}/runs/{run_id}/progress {"done","total"}: the run's latest progress, for its ETA.</summary>
    public Task<IResult> RecordProgressAsync(HttpContext context, string name, string runId) =>
        gate.RunAsync(context, Permission.Ingest, async (principal, cancellationToken) =>
        {
            var q = new QueryReader(context.Request.Query, ["tenant_id"]);
            var (tenant, forbidden) = Tenancy.Address(principal!, Tenancy.Requested(q));
            if (forbidden is not null) return forbidden;
            var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
            if (problem is not null) return problem;
            var errors = q.Errors;
            var done = Count(body, "done", errors);
            var total = Count(body, "total", errors);
            if (done > total) errors.Add("done", $"done ({done}) cannot exceed total ({total}).");
            JsonFields.RejectUnknown(body, errors, "done", "total");
            if (errors.Any) return errors.ToProblem();
            if (await jobs.GetAsync(tenant, name, cancellationToken) is null) return NoJob(name);
            var (outcome, run) = await jobs.RecordProgressAsync(tenant, name, runId, done!.Value, total!.Value, time.GetUtcNow(), cancellationToken);
            if (run is not null) run = (await service.WithCostsAsync([run], cancellationToken))[0];
            return outcome switch
            {
                RunProgressOutcome.Recorded => ApiResults.Json(RunView(run!)),
                RunProgressOutcome.AlreadyCompleted =>
                    Problems.Conflict($"Run '{runId}' of '{name}' was completed at {run!.CompletedAt:u}; progress is for running runs.")
                        .With("run", RunView(run)),
                _ => Problems.NotFound($"No run '{runId}' of batch job '{name}'."),
            };
        });

    public Task<IResult> ListRunsAsync(HttpContext context, string name) =>
        gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
        {
            var q = new QueryReader(context.Request.Query, ["limit", "tenant_id"]);
            var (tenant, forbidden) = Tenancy.Address(principal!, Tenancy.Requested(q));
            if (forbidden is not null) return forbidden;
            var limit = q.Int("limit", 100, 1, 1000);
            if (q.Errors.Any) return q.Errors.ToProblem();
            if (await jobs.GetAsync(tenant, name, cancellationToken) is not { } job) return NoJob(name);
            var runs = await service.WithCostsAsync(await jobs.RunsAsync(job.Id, limit, cancellationToken), cancellationToken);
            return ApiResults.Json(new { runs = runs.Select(RunView) });
        });

    private static ProblemResult NoJob(string name) => Problems.NotFound($"No batch job '{name}'.");

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

    /// <summary>A job's expected_every or max_duration: a duration from 1m to 31d, or null/absent for none.</summary>
    private static TimeSpan? Expectation(JsonElement body, string name, FieldErrors errors)
    {
        if (!body.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.String || !DurationText.TryParse(element.GetString(), out var value))
        {
            errors.Add(name, $"{name} must be a duration such as \"30m\", \"4h\", \"24h\" or \"7d\".");
            return null;
        }
        if (value < MinExpectation || value > MaxExpectation)
        {
            errors.Add(name, $"{name} must be between {DurationText.Format(MinExpectation)} and {DurationText.Format(MaxExpectation)}.");
            return null;
        }
        if (value.Ticks % TimeSpan.TicksPerSecond != 0) errors.Add(name, $"{name} must be a whole number of seconds.");
        return value;
    }

    private async Task<object> JobViewAsync(BatchJob job, CancellationToken cancellationToken) =>
        JobView(job, await jobs.AuditAsync(job.Id, 20, cancellationToken));

    private static Dictionary<string, object?> JobView(BatchJob job, IReadOnlyList<BatchJobAudit>? audit)
    {
        var view = new Dictionary<string, object?>
        {
            ["name"] = job.Name,
            ["tenant_id"] = job.TenantId,
            ["enabled"] = job.Enabled,
            ["disabled_reason"] = job.DisabledReason,
            ["disabled_by"] = job.DisabledBy,
            ["disabled_at"] = job.DisabledAt,
            ["description"] = job.Description,
            ["expected_every"] = job.ExpectedEvery is { } every ? DurationText.Format(every) : null,
            ["max_duration"] = job.MaxDuration is { } max ? DurationText.Format(max) : null,
            ["created_at"] = job.CreatedAt,
            ["updated_at"] = job.UpdatedAt,
        };
        if (audit is not null) view["audit"] = audit.Select(a => new { action = a.Action, by = a.By, reason = a.Reason, at = a.At });
        return view;
    }

    private Dictionary<string, object?> RunView(BatchRun run)
    {
        var now = time.GetUtcNow();
        return new Dictionary<string, object?>
        {
            ["run_id"] = run.RunId,
            ["job"] = run.Job,
            ["tenant_id"] = run.TenantId,
            ["status"] = run.Completed ? "completed" : "running",
            ["started_at"] = run.StartedAt,
            ["completed_at"] = run.CompletedAt,
            ["duration_seconds"] = Math.Round(run.Duration(now).TotalSeconds, 3),
            ["estimated_cost_usd"] = run.EstimatedCostUsd,
            ["succeeded"] = run.Succeeded,
            ["failed"] = run.Failed,
            ["items"] = run.Items,
            ["success_rate"] = run.SuccessRate is { } rate ? Math.Round(rate, 6) : null,
            // What budgets count for the run: its events' cost, plus what it reported beyond them.
            ["cost_usd"] = decimal.Round(run.CostUsd, 6),
            ["attributed_cost_usd"] = decimal.Round(run.AttributedCostUsd, 6),
            ["reported_cost_usd"] = run.ReportedCostUsd,
            ["cost_per_item"] = run.CostPerItem,
            ["flags"] = run.Flags(now),
            ["started_by"] = run.StartedBy,
            ["progress"] = run.Progress is { } p
                ? new Dictionary<string, object?>
                {
                    ["done"] = p.Done,
                    ["total"] = p.Total,
                    ["percent"] = p.Percent,
                    ["reported_at"] = p.ReportedAt,
                    // A completed run has nothing left to estimate.
                    ["eta"] = run.Completed ? null : p.Eta(run.StartedAt),
                }
                : null,
        };
    }
}
