using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Alerts;

namespace Vigil.Api;

/// <summary>
/// Acknowledge links, <c>/api/ack/{token}</c>, from a phone without an API key. <c>GET</c> only shows
/// the alert and a form (link unfurlers and mail scanners fetch links: they must never acknowledge);
/// the form's <c>POST</c> acknowledges as <c>link</c> plus the name entered. Unknown tokens are 404,
/// a resolved alert's 410. Plain HTML without script, so it works on any phone and under a strict CSP.
/// </summary>
public sealed class AckLinkApi(ApiGate gate, AckLinks links, AlertService alertService, AckLinkLimiter limiter)
{
    private const int MaxName = 100;

    public Task<IResult> ShowAsync(HttpContext context, string token) => gate.RunAsync(context, null, async (_, cancellationToken) =>
    {
        if (Limited(context) is { } limited) return limited;
        var alert = await links.FindAsync(token, cancellationToken);
        if (alert is null) return NotFound(context);
        if (alert.State == AlertState.Resolved) return Gone(alert);
        var body = Facts(alert) + (alert.State == AlertState.Acknowledged
            ? $"<p class=\"done\">Acknowledged by {Html(alert.AcknowledgedBy)} at {Time(alert.AcknowledgedAt)}.</p>"
            : $"""
              <form method="post">
                <label for="name">Your name</label>
                <input id="name" name="name" maxlength="{MaxName}" autocomplete="name" placeholder="optional">
                <button type="submit">Acknowledge</button>
              </form>
              """);
        return Page(StatusCodes.Status200OK, $"Alert: {alert.Rule}", body);
    });

    public Task<IResult> AcknowledgeAsync(HttpContext context, string token) => gate.RunAsync(context, null, async (_, cancellationToken) =>
    {
        if (Limited(context) is { } limited) return limited;
        var alert = await links.FindAsync(token, cancellationToken);
        if (alert is null) return NotFound(context);
        var (name, unreadable) = await NameAsync(context.Request, cancellationToken);
        if (unreadable is not null) return Page(StatusCodes.Status400BadRequest, "Form not accepted", $"<p>{Html(unreadable)}</p>");
        if (name is { Length: > MaxName } || (name is not null && StorableText.HasControl(name, allowLineBreaks: false)))
        {
            return Page(StatusCodes.Status400BadRequest, "Name not accepted", $"<p>A name is at most {MaxName} characters of plain text.</p>");
        }
        var by = string.IsNullOrWhiteSpace(name) ? "link" : $"link: {name.Trim()}";
        var (outcome, acknowledged) = await alertService.AcknowledgeAsync(alert.Id, by, null, cancellationToken);
        switch (outcome)
        {
            case AckOutcome.Acknowledged:
                EscalationSignals.Of(context).Stopped.Add(alert.Id);
                return Page(StatusCodes.Status200OK, "Acknowledged", Facts(acknowledged!) + $"<p class=\"done\">Acknowledged by {Html(by)}. Escalation has stopped.</p>");
            case AckOutcome.AlreadyAcknowledged:
                return Page(StatusCodes.Status200OK, "Already acknowledged", Facts(acknowledged!) + $"<p class=\"done\">Already acknowledged by {Html(acknowledged!.AcknowledgedBy)} at {Time(acknowledged.AcknowledgedAt)}.</p>");
            case AckOutcome.Resolved:
                return Gone(acknowledged ?? alert);
            default:
                return Page(StatusCodes.Status404NotFound, "Link not found", "<p>This acknowledge link is not valid.</p>");
        }
    });

    private IResult NotFound(HttpContext context)
    {
        limiter.CountMiss(context);
        return Page(StatusCodes.Status404NotFound, "Link not found", "<p>This acknowledge link is not valid. It may have been mistyped.</p>");
    }

    private ProblemResult? Limited(HttpContext context)
    {
        var (blocked, retryAfter) = limiter.Check(context);
        if (!blocked) return null;
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.ForStatus(StatusCodes.Status429TooManyRequests, "Too many unknown acknowledge links from this address; wait a minute.");
    }

    /// <summary>The name from the page's form, or from a JSON body {"name"} for scripts; absent is fine. A body beyond a few KB or not a form is refused.</summary>
    private static async Task<(string? Name, string? Problem)> NameAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        const int maxBytes = 4096;
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0) return (null, null);
        if (request.ContentLength > maxBytes) return (null, "The form is too large.");
        var (body, problem) = await HttpBody.ReadLimitedAsync(request, maxBytes, cancellationToken);
        if (problem is not null || body is null) return (null, "The form is too large or could not be read.");
        using (body)
        {
            var text = System.Text.Encoding.UTF8.GetString(body.Memory.Span);
            if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
            {
                var form = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text);
                return (form.TryGetValue("name", out var value) ? value.FirstOrDefault() : null, null);
            }
            if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
            {
                try
                {
                    using var json = System.Text.Json.JsonDocument.Parse(text);
                    return (json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && json.RootElement.TryGetProperty("name", out var n)
                        && n.ValueKind == System.Text.Json.JsonValueKind.String ? n.GetString() : null, null);
                }
                catch (System.Text.Json.JsonException)
                {
                    return (null, "The body is not valid JSON.");
                }
            }
            return (null, "Send the form as application/x-www-form-urlencoded (or JSON {\"name\"}).");
        }
    }

    private static IResult Gone(Alert alert) =>
        Page(StatusCodes.Status410Gone, "Alert resolved", Facts(alert) + $"<p class=\"done\">Resolved at {Time(alert.ResolvedAt)}{(alert.ResolvedBy is { } by ? " by " + Html(by) : "")}; this link no longer works.</p>");

    private static string Facts(Alert alert)
    {
        var value = alert.Value is { } v ? v.ToString("0.####", CultureInfo.InvariantCulture) : "–";
        var threshold = alert.Threshold is { } t ? t.ToString("0.####", CultureInfo.InvariantCulture) : "–";
        return $"""
            <dl>
              <dt>Rule</dt><dd>{Html(alert.Rule)}</dd>
              <dt>Severity</dt><dd class="{Html(alert.Severity.ToName())}">{Html(alert.Severity.ToName())}</dd>
              <dt>Group</dt><dd>{Html(alert.GroupText)}</dd>
              <dt>Value</dt><dd>{Html(alert.Metric)} {value} {Html(alert.Comparator)} {threshold} over {Html(alert.Window)}</dd>
              <dt>Since</dt><dd>{Time(alert.FiredAt ?? alert.StartedAt)}</dd>
              <dt>State</dt><dd>{Html(alert.State.ToName())}</dd>
            </dl>
            """;
    }

    private static string Html(string? text) => WebUtility.HtmlEncode(text ?? "");

    private static string Time(DateTimeOffset? at) => at is { } t ? Html(t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)) : "–";

    private static IResult Page(int status, string title, string body) => new AckPageResult(status, $$"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>{{Html(title)}} · Vigil</title>
        <style>
        body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:32rem;padding:1rem;color:#1b1f24}
        h1{font-size:1.3rem}dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem .8rem}dt{color:#57606a}dd{margin:0;word-break:break-word}
        .critical{color:#b42318;font-weight:600}.warning{color:#9a6700;font-weight:600}
        form{display:grid;gap:.5rem;margin-top:1.2rem}input{font:inherit;padding:.6rem;border:1px solid #8c959f;border-radius:6px}
        button{font:inherit;font-weight:600;padding:.8rem;border:0;border-radius:6px;background:#1f6feb;color:#fff}
        .done{padding:.8rem;background:#eef6ee;border-radius:6px}
        </style>
        </head>
        <body>
        <h1>{{Html(title)}}</h1>
        {{body}}
        </body>
        </html>
        """);
}
