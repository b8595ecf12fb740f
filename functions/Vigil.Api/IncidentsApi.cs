using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Auth;
using Vigil.Core.Incidents;

namespace Vigil.Api;

/// <summary>
/// Incidents (docs/incidents.md): an alert's postmortem (<c>PUT /api/alerts/{id}/postmortem</c>,
/// operator) and the incident report (<c>GET /api/reports/incidents</c>, read). An alert of another
/// tenant is not there for a tenant's key: 404, as for an id nobody holds.
/// </summary>
public sealed class IncidentsApi(ApiGate gate, IPostmortemStore postmortems, IncidentReportService reports, TimeProvider time)
{
    /// <summary>The longest window the report takes: a year and a month, for year-over-year reviews.</summary>
    public static readonly TimeSpan LongestWindow = TimeSpan.FromDays(400);

    public static readonly TimeSpan ShortestWindow = TimeSpan.FromMinutes(1);

    private static readonly string[] PostmortemFields = ["summary", "impact", "root_cause", "resolution", "prevention", "action_items", "written_by"];

    public Task<IResult> PutPostmortemAsync(HttpContext context, string id) => gate.RunAsync(context, Permission.Acknowledge, async (principal, cancellationToken) =>
    {
        var (body, problem) = await HttpBody.ReadObjectAsync(context.Request, cancellationToken);
        if (problem is not null) return problem;
        var errors = new FieldErrors();
        var text = ParsePostmortem(body, errors);
        var by = JsonFields.String(body, "written_by", errors, required: false, maxLength: 200);
        if (errors.Any) return errors.ToProblem("The postmortem is invalid; see errors.");
        if (!Guid.TryParse(id, out var alertId)) return NoAlert(id);
        var written = await postmortems.WriteAsync(alertId, principal!.Scope, text!, by ?? principal.Name, time.GetUtcNow(), cancellationToken);
        return written is null ? NoAlert(id) : ApiResults.Json(PostmortemView(written));
    });

    public Task<IResult> ReportAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, async (principal, cancellationToken) =>
    {
        var q = new QueryReader(context.Request.Query, ["window", "group_by", "tenant_id"]);
        var windowText = q.Get("window") ?? "30d";
        if (!DurationText.TryParse(windowText, out var window) || window < ShortestWindow || window > LongestWindow)
        {
            q.Errors.Add("window", $"window must be a duration from 1m to 400d, such as 7d, 30d or 90d (got '{windowText}').");
        }
        IncidentGrouping? groupBy = null;
        if (q.Get("group_by") is { } groupText)
        {
            if (IncidentGroupings.TryParse(groupText, out var g)) groupBy = g;
            else q.Errors.Add("group_by", "group_by must be rule, priority or bot.");
        }
        var (scope, forbidden) = Tenancy.List(principal!, Tenancy.Requested(q));
        if (forbidden is not null) return forbidden;
        if (q.Errors.Any) return q.Errors.ToProblem();
        var to = time.GetUtcNow();
        var report = await reports.ComputeAsync(scope, to - window, to, groupBy, cancellationToken);
        var view = new Dictionary<string, object?> { ["window"] = DurationText.Format(window), ["from"] = report.From, ["to"] = report.To, ["group_by"] = groupBy?.ToName() };
        foreach (var (k, v) in FiguresView(report.Totals)) view[k] = v;
        view["groups"] = report.Groups.Select(g =>
        {
            var group = new Dictionary<string, object?> { ["key"] = g.Key };
            foreach (var (k, v) in FiguresView(g.Figures)) group[k] = v;
            return group;
        });
        return ApiResults.Json(view);
    });

    /// <summary>
    /// A postmortem document: <c>summary</c> required (≤ 2,000 characters), <c>impact</c>,
    /// <c>root_cause</c>, <c>resolution</c>, <c>prevention</c> optional text (≤ 10,000), <c>action_items</c>
    /// an array of at most 50 strings (≤ 500 each). A PUT replaces the whole postmortem: absent fields are empty.
    /// </summary>
    public static PostmortemText? ParsePostmortem(JsonElement body, FieldErrors errors)
    {
        JsonFields.RejectUnknown(body, errors, PostmortemFields);
        var summary = JsonFields.String(body, "summary", errors, required: true, maxLength: PostmortemText.MaxSummaryLength);
        var impact = JsonFields.String(body, "impact", errors, required: false, maxLength: PostmortemText.MaxFieldLength) ?? "";
        var rootCause = JsonFields.String(body, "root_cause", errors, required: false, maxLength: PostmortemText.MaxFieldLength) ?? "";
        var resolution = JsonFields.String(body, "resolution", errors, required: false, maxLength: PostmortemText.MaxFieldLength) ?? "";
        var prevention = JsonFields.String(body, "prevention", errors, required: false, maxLength: PostmortemText.MaxFieldLength) ?? "";
        var actionItems = JsonFields.Strings(body, "action_items", errors, PostmortemText.MaxActionItems, PostmortemText.MaxActionItemLength);
        return errors.Any ? null : new PostmortemText(summary!, impact, rootCause, resolution, prevention, actionItems);
    }

    public static Dictionary<string, object?> PostmortemView(Postmortem p) => new()
    {
        ["summary"] = p.Text.Summary,
        ["impact"] = p.Text.Impact,
        ["root_cause"] = p.Text.RootCause,
        ["resolution"] = p.Text.Resolution,
        ["prevention"] = p.Text.Prevention,
        ["action_items"] = p.Text.ActionItems,
        ["written_by"] = p.WrittenBy,
        ["written_at"] = p.WrittenAt,
        ["revision"] = p.Revision,
    };

    public static Dictionary<string, object?> TimelineView(TimelineEntry e) => new()
    {
        ["at"] = e.At,
        ["event"] = e.Event,
        ["actor"] = e.Actor,
        ["detail"] = e.Detail,
        ["level"] = e.Level,
        ["step"] = e.Step,
        ["channel"] = e.Channel,
        ["kind"] = e.Kind,
        ["recipients"] = e.Recipients,
        ["error"] = e.Error,
    };

    private static Dictionary<string, object?> FiguresView(IncidentFigures f) => new()
    {
        ["count"] = f.Count,
        ["mttd_s"] = Seconds(f.MttdSeconds),
        ["mtta_s"] = Seconds(f.MttaSeconds),
        ["mttr_s"] = Seconds(f.MttrSeconds),
        ["ack_breaches"] = f.AckBreaches,
        ["detected"] = f.Detected,
        ["acknowledged"] = f.Acknowledged,
        ["resolved"] = f.Resolved,
    };

    private static double? Seconds(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static ProblemResult NoAlert(string id) => Problems.NotFound($"No alert '{id}'.");
}
