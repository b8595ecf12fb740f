using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// <c>GET /api/reports/efficiency?window=7d&amp;group_by=bot|operation|model</c> (read): groups ranked
/// by cost per successful interaction, with the metrics routes' filters; a tenant-bound key sees its
/// tenant only (<see cref="QueryReader.Filter"/>).
/// </summary>
public sealed class EfficiencyApi(ApiGate gate, EfficiencyService efficiency, TimeProvider time)
{
    private static readonly string[] Groups = ["bot", "operation", "model"];

    public Task<IResult> RankAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, [.. QueryReader.FilterNames, "window", "group_by"]);
        // The weekly ranking by default, as the runbook reads it.
        if (!MetricWindow.TryResolve(q.Get("window") ?? "7d", time.GetUtcNow(), out var window, out var windowError)) q.Errors.Add("window", windowError);
        var groupBy = q.GroupBy(Groups, "bot");
        if (groupBy.Count > 1) q.Errors.Add("group_by", "the ranking groups by one of bot, operation or model.");
        var (filter, forbidden) = q.Filter(principal!);
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
        return ApiResults.Json(await efficiency.RankAsync(window, filter, groupBy[0], cancellationToken));
    });
}
