using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Vigil.DemoInbox;

/// <summary>
/// The HTTP receivers, each at the path and with the answer of the real service, so that Vigil's
/// channels talk to them unchanged: Slack incoming webhook, the generic webhook (signature checked),
/// PagerDuty Events API v2 and the Opsgenie Alerts API.
/// </summary>
internal static class Receivers
{
    public const string SlackPath = "/slack";
    public const string WebhookPath = "/webhook";

    public static void MapReceivers(this WebApplication app, Inbox inbox, string? webhookSecret)
    {
        app.MapPost(SlackPath, async (HttpRequest request) =>
        {
            var (raw, json) = await ReadAsync(request);
            if (json is not { } body) return Unreadable(inbox, "slack", raw, Results.BadRequest("invalid_payload"));
            var text = string.Join('\n', Texts(body));
            var top = Str(body, "text") ?? "";
            var summary = top.StartsWith(':') && top.IndexOf(": ", 1, StringComparison.Ordinal) is var i and > 0 ? top[(i + 2)..] : top;
            var reading = top.StartsWith(":moneybag:", StringComparison.Ordinal)
                ? new AlertReading("budget", null, null, null, null, null)
                : AlertWords.Read(text);
            inbox.Add("slack", reading, summary, null, raw);
            return Results.Text("ok");
        });

        app.MapPost(WebhookPath, async (HttpRequest request) =>
        {
            var bytes = await ReadBytesAsync(request);
            var raw = Encoding.UTF8.GetString(bytes);
            string? note = null;
            if (!string.IsNullOrEmpty(webhookSecret))
            {
                var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(webhookSecret), bytes));
                var given = request.Headers["X-Vigil-Signature"].ToString();
                if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(given)))
                {
                    inbox.Add("webhook", new AlertReading("unreadable", null, null, null, null, null),
                        "refused: X-Vigil-Signature does not match the body", given.Length == 0 ? "unsigned" : "bad signature", raw);
                    return Results.Unauthorized();
                }
                note = "signature ok";
            }
            if (Parse(raw) is not { } body) return Unreadable(inbox, "webhook", raw, Results.BadRequest());
            var summary = Str(body, "summary") ?? "";
            if (Str(body, "event") == "budget_threshold")
            {
                inbox.Add("webhook", new AlertReading("budget", null, null, null, null, null), summary, note, raw);
                return Results.Ok();
            }
            var alert = body.TryGetProperty("alert", out var a) ? a : default;
            var level = body.TryGetProperty("level", out var l) && l.TryGetInt32(out var n) && n > 0 ? n : (int?)null;
            var reading = new AlertReading(Str(body, "event") ?? "unreadable", Str(alert, "severity"), Str(alert, "rule"),
                GroupText(alert.ValueKind == JsonValueKind.Object && alert.TryGetProperty("group", out var g) ? g : default), level, Str(alert, "id"));
            inbox.Add("webhook", reading, summary, note, raw);
            return Results.Ok();
        });

        app.MapPost("/v2/enqueue", async (HttpRequest request) =>
        {
            var (raw, json) = await ReadAsync(request);
            if (json is not { } body || string.IsNullOrEmpty(Str(body, "routing_key")))
            {
                return Unreadable(inbox, "pagerduty", raw, Results.BadRequest(new
                {
                    status = "invalid event",
                    message = "Event object is invalid",
                    errors = new[] { "'routing_key' is missing or the body is not JSON" },
                }));
            }
            var action = Str(body, "event_action");
            var dedup = Str(body, "dedup_key");
            var payload = body.TryGetProperty("payload", out var p) ? p : default;
            var details = payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("custom_details", out var d) ? d : default;
            var reading = action switch
            {
                "trigger" when dedup?.StartsWith("budget:", StringComparison.Ordinal) == true => new AlertReading("budget", null, null, null, null, dedup),
                "trigger" => new AlertReading("trigger", Str(payload, "severity"), Str(details, "rule") ?? Str(payload, "group"),
                    GroupText(details.ValueKind == JsonValueKind.Object && details.TryGetProperty("group", out var g) ? g : default),
                    details.ValueKind == JsonValueKind.Object && details.TryGetProperty("level", out var l) && l.TryGetInt32(out var n) ? n : null, dedup),
                "acknowledge" => new AlertReading("acknowledge", null, null, null, null, dedup),
                "resolve" => new AlertReading("resolve", null, null, null, null, dedup),
                _ => new AlertReading("unreadable", null, null, null, null, dedup),
            };
            inbox.Add("pagerduty", reading, Str(payload, "summary") ?? $"{action} {dedup}", null, raw);
            return Results.Json(new { status = "success", message = "Event processed", dedup_key = dedup }, statusCode: 202);
        });

        app.MapPost("/v2/alerts", async (HttpRequest request) =>
        {
            var (raw, json) = await ReadAsync(request);
            if (OpsgenieRefusal(request) is { } refused) return Unreadable(inbox, "opsgenie", raw, refused);
            if (json is not { } body) return Unreadable(inbox, "opsgenie", raw, Results.BadRequest(new { message = "Request body is not processable" }));
            var isBudget = body.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
                && tags.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && t.GetString() == "budget");
            var reading = isBudget
                ? new AlertReading("budget", null, null, null, null, Str(body, "alias"))
                : AlertWords.Read(Str(body, "description") ?? Str(body, "message") ?? "") with { AlertId = Str(body, "alias") };
            var condition = AlertWords.Condition(Str(body, "description") ?? "");
            inbox.Add("opsgenie", reading, $"{Str(body, "message")} ({Str(body, "priority")}){(condition is null ? "" : ": " + condition)}", null, raw);
            return OpsgenieAccepted();
        });

        app.MapPost("/v2/alerts/{identifier}/{action}", async (HttpRequest request, string identifier, string action) =>
        {
            var (raw, json) = await ReadAsync(request);
            if (OpsgenieRefusal(request) is { } refused) return Unreadable(inbox, "opsgenie", raw, refused);
            var kind = action switch { "acknowledge" => "acknowledge", "close" => "resolve", _ => null };
            if (kind is null) return Results.NotFound(new { message = $"No such action: {action}" });
            var note = json is { } body ? Str(body, "note") : null;
            inbox.Add("opsgenie", new AlertReading(kind, null, null, null, null, identifier), $"{action} {identifier}", note, raw);
            return OpsgenieAccepted();
        });
    }

    private static IResult OpsgenieAccepted() =>
        Results.Json(new { result = "Request will be processed", took = 0.001, requestId = Guid.NewGuid() }, statusCode: 202);

    private static IResult? OpsgenieRefusal(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("GenieKey ", StringComparison.Ordinal)
            ? null
            : Results.Json(new { message = "Could not authenticate", took = 0.0, requestId = Guid.NewGuid() }, statusCode: 401);

    private static IResult Unreadable(Inbox inbox, string channel, string raw, IResult answer)
    {
        inbox.Add(channel, new AlertReading("unreadable", null, null, null, null, null), "refused a request it could not read", null, raw);
        return answer;
    }

    private static async Task<byte[]> ReadBytesAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private static async Task<(string Raw, JsonElement? Json)> ReadAsync(HttpRequest request)
    {
        var raw = Encoding.UTF8.GetString(await ReadBytesAsync(request));
        return (raw, Parse(raw));
    }

    private static JsonElement? Parse(string raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : value.GetRawText()
            : null;

    /// <summary>"bot=buyer_bot, operation=process", the way Vigil's own messages write a group.</summary>
    private static string? GroupText(JsonElement group) =>
        group.ValueKind != JsonValueKind.Object ? null
            : group.EnumerateObject().Any() ? string.Join(", ", group.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"))
            : "all";

    /// <summary>Every text a Slack message carries: the fallback text and the text of its blocks.</summary>
    private static IEnumerable<string> Texts(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.Name == "text" && property.Value.ValueKind == JsonValueKind.String) yield return property.Value.GetString()!;
                else foreach (var text in Texts(property.Value)) yield return text;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) foreach (var text in Texts(item)) yield return text;
        }
    }
}
