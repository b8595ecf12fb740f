using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;
using Vigil.Core.Prometheus;

namespace Vigil.Api;

/// <summary><c>GET /api/metrics/prometheus</c> (read key): the text exposition Prometheus scrapes.</summary>
public sealed class PrometheusApi(ApiGate gate, PrometheusMetrics metrics)
{
    public Task<IResult> ScrapeAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        // Prometheus adds nothing to a scrape URL but what the job configures; other parameters are
        // refused like on every route, so a misspelt one is seen. ?tenant_id= lets an unbound key
        // scrape one tenant (a Prometheus job per tenant); a tenant-bound key scrapes its own.
        var q = new QueryReader(context.Request.Query, ["tenant_id"]);
        var requested = Tenancy.Requested(q);
        if (q.Errors.Any) return q.Errors.ToProblem();
        var (tenant, forbidden) = Tenancy.Address(principal!, requested);
        if (forbidden is not null) return forbidden;
        return Results.Text(await metrics.ScrapeAsync(tenant, cancellationToken), PrometheusText.ContentType);
    });
}
