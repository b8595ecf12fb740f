using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;
using Vigil.Core.Jobs;

namespace Vigil.Api;

/// <summary>
/// <c>POST /admin/functions/{name}</c> on the local host, mirroring the Functions host's admin API:
/// runs a timer function now and answers 202. Unlike the Functions host, which answers before the
/// function runs, it answers when the run has finished, so a caller can read results straight away.
/// </summary>
public sealed class AdminApi(ApiGate gate, TimerJobRunner runner)
{
    public Task<IResult> RunFunctionAsync(HttpContext context, string name) => gate.RunAsync(context, Permission.Admin, async (principal, cancellationToken) =>
    {
        // A timer function works on every tenant's data at once: not something one tenant's key may start.
        if (principal!.TenantId is { } tenant)
        {
            return Problems.Forbidden($"This key is bound to tenant '{tenant}'; timer functions run for every tenant and need an unbound admin key.");
        }
        if (runner.Find(name) is not { } job)
        {
            return Problems.NotFound($"No timer function '{name}'. Known: {string.Join(", ", runner.Jobs.Select(j => j.Name).Order())}.");
        }
        var run = await runner.RunAsync(job, cancellationToken);
        return ApiResults.Json(new
        {
            function = run.Function,
            started_at = run.StartedAt,
            duration_ms = Math.Round(run.DurationMs, 1),
            summary = run.Result.Summary,
            counts = run.Result.Counts,
        }, StatusCodes.Status202Accepted);
    }, acceptFunctionsKey: true);
}
