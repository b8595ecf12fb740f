using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;
using Vigil.Core.Prometheus;

namespace Vigil.Api;

/// <summary><c>GET /api/metrics/prometheus</c> (read key): the text exposition Prometheus scrapes.</summary>
public sealed class PrometheusApi(ApiGate gate, PrometheusMetrics metrics)
{
    public Task<IResult> ScrapeAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        // Prometheus adds nothing to a scrape URL but what the job configures; parameters are refused
        // like on every route, so a misspelt one is seen.
        var q = new QueryReader(context.Request.Query, []);
        if (q.Errors.Any) return q.Errors.ToProblem();
        return Results.Text(await metrics.ScrapeAsync(principal!.TenantId, cancellationToken), PrometheusText.ContentType);
    });
}
