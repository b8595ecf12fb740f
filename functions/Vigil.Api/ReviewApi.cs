using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;
using Vigil.Core.Metrics;
using Vigil.Core.Reviews;

namespace Vigil.Api;

/// <summary>GET /api/reports/review: the weekly review of one tenant (a tenant-bound key's own), or of every tenant for an unbound key that names none.</summary>
public sealed class ReviewApi(ApiGate gate, ReviewService reviews, TimeProvider time)
{
    public Task<IResult> GetAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["window", "tenant_id"]);
        var window = q.Window(time.GetUtcNow());
        var (filter, forbidden) = q.Filter(principal!, ["tenant_id"]);
        if (forbidden is not null) return forbidden;
        var tenants = filter.Get(Dimension.TenantId);
        if (tenants is { Length: > 1 }) q.Errors.Add("tenant_id", "the review covers one tenant, or every tenant when tenant_id is left out.");
        if (q.Errors.Any) return q.Errors.ToProblem();
        return ApiResults.Json(await reviews.BuildAsync(window, tenants?[0], cancellationToken));
    });
}
