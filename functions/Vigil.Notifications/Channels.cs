using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Budgets;

namespace Vigil.Notifications;

/// <summary>One notification channel. A send either completes or throws a delivery exception.</summary>
public interface IChannel
{
    string Name { get; }

    /// <summary>Why the channel is off (not configured), or null when it can send.</summary>
    string? OffReason { get; }

    Task SendAsync(AlertMessage message, CancellationToken cancellationToken);

    Task SendBudgetAsync(BudgetMessage message, CancellationToken cancellationToken);
}

/// <summary>Shared HTTP plumbing: JSON bodies, and replies sorted into done, retry or give up.</summary>
public abstract class HttpChannel(IHttpClientFactory http) : IChannel
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Receivers and people read these payloads; "> 2,000" should not arrive as "\u003E 2,000".
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public abstract string Name { get; }
    public abstract string? OffReason { get; }
    public abstract Task SendAsync(AlertMessage message, CancellationToken cancellationToken);
    public abstract Task SendBudgetAsync(BudgetMessage message, CancellationToken cancellationToken);

    protected async Task PostAsync(string url, byte[] body, Action<HttpRequestMessage>? decorate, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Vigil", "1.0"));
        decorate?.Invoke(request);
        using var client = http.CreateClient(NotificationDispatcher.HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = $"{Name} answered {(int)response.StatusCode} {response.ReasonPhrase}: {AlertText.Truncate(text, 300)}";
        if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            throw new TransientDeliveryException(detail, RetryAfter(response));
        }
        throw new PermanentDeliveryException(detail);
    }

    protected static byte[] Serialize(object body) => JsonSerializer.SerializeToUtf8Bytes(body, Json);

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter) return null;
        if (retryAfter.Delta is { } delta) return delta;
        return retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }
}

/// <summary>Slack incoming webhook: a readable message with rule, group, value against threshold, severity, level and the ack link.</summary>
public sealed class SlackChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options) : HttpChannel(http)
{
    public override string Name => Channels.Slack;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.Slack.WebhookUrl) ? "Vigil:Channels:Slack:WebhookUrl is not set" : null;

    public override Task SendAsync(AlertMessage m, CancellationToken cancellationToken)
    {
        var a = m.Alert;
        var icon = m.Kind switch
        {
            NotificationKind.Resolve => ":white_check_mark:",
            NotificationKind.Acknowledge => ":eyes:",
            _ => a.Severity == Severity.Critical ? ":rotating_light:" : a.Severity == Severity.Warning ? ":warning:" : ":information_source:",
        };
        var details = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"*Group:* {a.GroupText}\n")
            .Append(CultureInfo.InvariantCulture, $"*Condition:* {AlertText.Condition(a)}\n")
            .Append(CultureInfo.InvariantCulture, $"*Severity:* {a.Severity.ToName()} | *{AlertText.LevelText(m)}* | fired {AlertText.Time(a.FiredAt ?? a.StartedAt)}");
        if (a.AcknowledgedBy is not null) details.Append(CultureInfo.InvariantCulture, $"\n*Acknowledged by:* {a.AcknowledgedBy}");
        if (a.ResolveReason is not null && m.Kind == NotificationKind.Resolve) details.Append(CultureInfo.InvariantCulture, $"\n*Resolved:* {a.ResolveReason}");
        var blocks = new List<object>
        {
            new { type = "header", text = new { type = "plain_text", text = AlertText.Truncate($"{AlertText.Headline(m)}", 150) } },
            new { type = "section", text = new { type = "mrkdwn", text = details.ToString() } },
        };
        if (m.Kind == NotificationKind.Trigger)
        {
            blocks.Add(new { type = "context", elements = new[] { new { type = "mrkdwn", text = $"Acknowledge to stop escalation: `POST {m.AckUrl}` - alert `{a.Id}`" } } });
        }
        var body = new { text = $"{icon} {AlertText.Summary(m)} - {AlertText.LevelText(m)}", blocks };
        return PostAsync(options.CurrentValue.Slack.WebhookUrl!, Serialize(body), null, cancellationToken);
    }

    public override Task SendBudgetAsync(BudgetMessage m, CancellationToken cancellationToken)
    {
        var text = $":moneybag: {m.Summary}.\n*Done:* {m.Outcome}";
        return PostAsync(options.CurrentValue.Slack.WebhookUrl!, Serialize(new { text }), null, cancellationToken);
    }
}

/// <summary>Generic webhook: the alert (or budget) as JSON, signed with HMAC-SHA256 over the exact body bytes.</summary>
public sealed class WebhookChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options, TimeProvider time) : HttpChannel(http)
{
    public const string SignatureHeader = "X-Vigil-Signature";

    public override string Name => Channels.Webhook;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.Webhook.Url) ? "Vigil:Channels:Webhook:Url is not set" : null;

    public override Task SendAsync(AlertMessage m, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Webhook;
        var a = m.Alert;
        var body = Serialize(new
        {
            @event = m.Kind.ToName(),
            level = m.Level,
            ack_url = m.AckUrl,
            sent_at = time.GetUtcNow(),
            summary = AlertText.Summary(m),
            alert = new
            {
                id = a.Id,
                rule = a.Rule,
                description = a.Description,
                group = a.Group,
                severity = a.Severity.ToName(),
                state = a.State.ToName(),
                metric = a.Metric,
                comparator = a.Comparator,
                value = a.Value,
                threshold = a.Threshold,
                window = a.Window,
                started_at = a.StartedAt,
                fired_at = a.FiredAt,
                acknowledged_at = a.AcknowledgedAt,
                acknowledged_by = a.AcknowledgedBy,
                resolved_at = a.ResolvedAt,
                escalation_level = a.EscalationLevel,
            },
        });
        return PostAsync(settings.Url!, body, request =>
        {
            request.Headers.Add("X-Vigil-Event", m.Kind.ToName());
            if (!string.IsNullOrEmpty(settings.Secret)) request.Headers.Add(SignatureHeader, Sign(settings.Secret, body));
            foreach (var (name, value) in settings.Headers) request.Headers.TryAddWithoutValidation(name, value);
        }, cancellationToken);
    }

    public override Task SendBudgetAsync(BudgetMessage m, CancellationToken cancellationToken)
    {
        var c = m.Crossing;
        var body = Serialize(new
        {
            @event = "budget_threshold",
            sent_at = time.GetUtcNow(),
            summary = m.Summary,
            budget = new
            {
                name = c.Budget,
                amount_usd = m.AmountUsd,
                period_start = c.PeriodStart,
                period_end = m.PeriodEnd,
                spent_usd = c.SpentUsd,
                forecast_usd = c.ForecastUsd,
                threshold_percent = c.Percent,
                forecast = c.Forecast,
                actions = c.Actions,
                disabled_jobs = m.DisabledJobs,
            },
        });
        var settings = options.CurrentValue.Webhook;
        return PostAsync(settings.Url!, body, request =>
        {
            request.Headers.Add("X-Vigil-Event", "budget_threshold");
            if (!string.IsNullOrEmpty(settings.Secret)) request.Headers.Add(SignatureHeader, Sign(settings.Secret, body));
            foreach (var (name, value) in settings.Headers) request.Headers.TryAddWithoutValidation(name, value);
        }, cancellationToken);
    }

    /// <summary>"sha256=" and the lower-case hex HMAC-SHA256 of the body, as GitHub-style receivers check it.</summary>
    public static string Sign(string secret, byte[] body) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

/// <summary>PagerDuty Events API v2: trigger, acknowledge and resolve with dedup_key = alert id.</summary>
public sealed class PagerDutyChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options) : HttpChannel(http)
{
    public override string Name => Channels.PagerDuty;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.PagerDuty.RoutingKey) ? "Vigil:Channels:PagerDuty:RoutingKey is not set" : null;

    public override Task SendAsync(AlertMessage m, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.PagerDuty;
        var a = m.Alert;
        object body = m.Kind switch
        {
            NotificationKind.Trigger => new
            {
                routing_key = settings.RoutingKey,
                event_action = "trigger",
                dedup_key = a.Id.ToString(),
                client = "Vigil",
                payload = new
                {
                    summary = AlertText.Truncate(AlertText.Summary(m), 1024),
                    source = $"vigil/{a.GroupText}",
                    severity = a.Severity.ToName(),
                    timestamp = a.FiredAt ?? a.StartedAt,
                    component = a.Group.GetValueOrDefault("bot"),
                    group = a.Rule,
                    @class = a.Metric,
                    custom_details = new { a.Rule, group = a.Group, a.Value, a.Threshold, a.Comparator, a.Window, level = m.Level, ack_url = m.AckUrl },
                },
                links = new[] { new { href = m.AckUrl, text = "Acknowledge in Vigil (POST)" } },
            },
            _ => new { routing_key = settings.RoutingKey, event_action = m.Kind == NotificationKind.Acknowledge ? "acknowledge" : "resolve", dedup_key = a.Id.ToString() },
        };
        return PostAsync(settings.Endpoint, Serialize(body), null, cancellationToken);
    }

    public override Task SendBudgetAsync(BudgetMessage m, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.PagerDuty;
        var body = new
        {
            routing_key = settings.RoutingKey,
            event_action = "trigger",
            dedup_key = m.DedupKey,
            client = "Vigil",
            payload = new
            {
                summary = AlertText.Truncate(m.Summary, 1024),
                source = $"vigil/budget/{m.Crossing.Budget}",
                severity = m.IsPage ? "critical" : "warning",
                timestamp = m.Crossing.CrossedAt,
                group = "budget",
                @class = "spend",
                custom_details = new { budget = m.Crossing.Budget, spent_usd = m.Crossing.SpentUsd, amount_usd = m.AmountUsd, forecast_usd = m.Crossing.ForecastUsd, done = m.Outcome },
            },
        };
        return PostAsync(settings.Endpoint, Serialize(body), null, cancellationToken);
    }
}

/// <summary>Opsgenie Alerts API: create with alias = alert id, then acknowledge and close by alias.</summary>
public sealed class OpsgenieChannel(IHttpClientFactory http, IOptionsMonitor<ChannelOptions> options) : HttpChannel(http)
{
    public override string Name => Channels.Opsgenie;

    public override string? OffReason => string.IsNullOrWhiteSpace(options.CurrentValue.Opsgenie.ApiKey) ? "Vigil:Channels:Opsgenie:ApiKey is not set" : null;

    public static string Priority(Severity severity) => severity switch
    {
        Severity.Critical => "P1",
        Severity.Warning => "P3",
        _ => "P5",
    };

    public override Task SendAsync(AlertMessage m, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Opsgenie;
        var a = m.Alert;
        var baseUrl = settings.Endpoint.TrimEnd('/');
        var alias = Uri.EscapeDataString(a.Id.ToString());
        var (url, body) = m.Kind switch
        {
            NotificationKind.Trigger => ($"{baseUrl}/v2/alerts", Serialize(new
            {
                message = AlertText.Truncate($"[{AlertText.SeverityLabel(a)}] {a.Rule}: {a.GroupText}", 130),
                alias = a.Id.ToString(),
                description = AlertText.Truncate(AlertText.Body(m), 15000),
                priority = Priority(a.Severity),
                source = "vigil",
                entity = a.GroupText,
                tags = new[] { "vigil", a.Severity.ToName(), a.Rule },
                details = a.Group.ToDictionary(g => g.Key, g => g.Value),
            })),
            NotificationKind.Acknowledge => ($"{baseUrl}/v2/alerts/{alias}/acknowledge?identifierType=alias",
                Serialize(new { source = "vigil", user = a.AcknowledgedBy, note = a.AcknowledgeNote ?? "Acknowledged in Vigil" })),
            _ => ($"{baseUrl}/v2/alerts/{alias}/close?identifierType=alias",
                Serialize(new { source = "vigil", note = a.ResolveReason ?? "Resolved in Vigil" })),
        };
        return PostAsync(url, body, request => request.Headers.TryAddWithoutValidation("Authorization", $"GenieKey {settings.ApiKey}"), cancellationToken);
    }

    public override Task SendBudgetAsync(BudgetMessage m, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Opsgenie;
        var body = Serialize(new
        {
            message = AlertText.Truncate($"Budget {m.Crossing.Budget} at {m.Crossing.Percent:0.#}% (${m.Crossing.SpentUsd:N2} of ${m.AmountUsd:N2})", 130),
            alias = m.DedupKey,
            description = $"{m.Summary}. Done: {m.Outcome}",
            priority = m.IsPage ? "P1" : "P3",
            source = "vigil",
            entity = $"budget/{m.Crossing.Budget}",
            tags = new[] { "vigil", "budget" },
        });
        return PostAsync($"{settings.Endpoint.TrimEnd('/')}/v2/alerts", body, request => request.Headers.TryAddWithoutValidation("Authorization", $"GenieKey {settings.ApiKey}"), cancellationToken);
    }
}

/// <summary>E-mail over SMTP, with STARTTLS when UseTls is on.</summary>
public sealed class EmailChannel(IOptionsMonitor<ChannelOptions> options) : IChannel
{
    public string Name => Channels.Email;

    public string? OffReason
    {
        get
        {
            var e = options.CurrentValue.Email;
            return string.IsNullOrWhiteSpace(e.Host) || string.IsNullOrWhiteSpace(e.From) || e.Recipients.Count == 0
                ? "Vigil:Channels:Email:Host, From and To are not all set"
                : null;
        }
    }

    public Task SendAsync(AlertMessage message, CancellationToken cancellationToken) =>
        SendMailAsync($"[Vigil] {AlertText.Headline(message)} - {AlertText.LevelText(message)}", AlertText.Body(message), ("X-Vigil-Alert", message.Alert.Id.ToString()), cancellationToken);

    public Task SendBudgetAsync(BudgetMessage message, CancellationToken cancellationToken) =>
        SendMailAsync($"[Vigil] Budget {message.Crossing.Budget} at {message.Crossing.Percent:0.#}% (${message.Crossing.SpentUsd:N2} of ${message.AmountUsd:N2})",
            $"{message.Summary}.\n\nDone: {message.Outcome}\nPeriod: {message.Crossing.PeriodStart:yyyy-MM-dd} to {message.PeriodEnd:yyyy-MM-dd}\n",
            ("X-Vigil-Budget", message.Crossing.Budget), cancellationToken);

    private async Task SendMailAsync(string subject, string body, (string Name, string Value) header, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Email;
        using var mail = new MailMessage { From = new MailAddress(settings.From!), Subject = AlertText.Truncate(subject, 250), Body = body };
        foreach (var to in settings.Recipients) mail.To.Add(to);
        mail.Headers.Add(header.Name, header.Value);
        using var smtp = new SmtpClient(settings.Host!, settings.Port) { EnableSsl = settings.UseTls, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (!string.IsNullOrEmpty(settings.User)) smtp.Credentials = new NetworkCredential(settings.User, settings.Password);
        try
        {
            await smtp.SendMailAsync(mail, cancellationToken);
        }
        catch (SmtpException e) when (IsTransient(e))
        {
            throw new TransientDeliveryException($"email: {e.Message}", null, e);
        }
        catch (SmtpException e)
        {
            throw new PermanentDeliveryException($"email: {e.StatusCode}: {e.Message}");
        }
    }

    private static bool IsTransient(SmtpException e) =>
        e.InnerException is IOException or System.Net.Sockets.SocketException
        || (int)e.StatusCode is >= 400 and < 500
        || e.StatusCode is SmtpStatusCode.GeneralFailure or SmtpStatusCode.ServiceNotAvailable;
}
