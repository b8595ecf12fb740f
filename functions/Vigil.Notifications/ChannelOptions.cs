using Microsoft.Extensions.Options;

namespace Vigil.Notifications;

/// <summary>
/// Section <c>Vigil:Channels</c> (settings such as <c>Vigil__Channels__Slack__WebhookUrl</c>). A channel
/// with no settings is off, and says so in <c>/api/health/detailed</c>.
/// </summary>
public sealed class ChannelOptions
{
    public const string Section = "Vigil:Channels";

    public EmailChannelOptions Email { get; set; } = new();
    public SlackChannelOptions Slack { get; set; } = new();
    public WebhookChannelOptions Webhook { get; set; } = new();
    public PagerDutyChannelOptions PagerDuty { get; set; } = new();
    public OpsgenieChannelOptions Opsgenie { get; set; } = new();
    public TeamsChannelOptions Teams { get; set; } = new();
}

public sealed class EmailChannelOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? From { get; set; }

    /// <summary>One or more addresses, separated by commas or semicolons.</summary>
    public string? To { get; set; }

    /// <summary>TLS before sending (on by default; turn off only for a local test server).</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>
    /// How TLS starts: <c>Auto</c> (implicit TLS on port 465, STARTTLS elsewhere, none when UseTls
    /// is off), <c>StartTls</c> (required, fails if the server does not offer it), <c>Implicit</c>
    /// (TLS from the first byte), or <c>None</c>.
    /// </summary>
    public EmailSecurity Security { get; set; } = EmailSecurity.Auto;

    /// <summary>Sign-in (any mechanism the server offers that MailKit speaks: PLAIN, LOGIN, CRAM-MD5, SCRAM…).</summary>
    public string? User { get; set; }
    public string? Password { get; set; }

    /// <summary>Connect, TLS, sign-in and each command must finish within this.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// SHA-256 of the server's certificate (hex): trust exactly that certificate instead of the
    /// system's CAs, for an internal relay with a private or self-signed certificate.
    /// </summary>
    public string? ServerCertificateSha256 { get; set; }

    public IReadOnlyList<string> Recipients => (To ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public enum EmailSecurity
{
    Auto,
    StartTls,
    Implicit,
    None,
}

public sealed class TeamsChannelOptions
{
    /// <summary>An incoming webhook or a Workflows "when a Teams webhook request is received" URL.</summary>
    public string? WebhookUrl { get; set; }
}

public sealed class SlackChannelOptions
{
    public string? WebhookUrl { get; set; }
}

public sealed class WebhookChannelOptions
{
    public string? Url { get; set; }

    /// <summary>HMAC-SHA256 key; the signature goes in <c>X-Vigil-Signature: sha256=&lt;hex&gt;</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>Extra headers sent with every call (e.g. <c>Vigil__Channels__Webhook__Headers__X-Team=payments</c>).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class PagerDutyChannelOptions
{
    public const string DefaultUrl = "https://events.pagerduty.com/v2/enqueue";

    public string? RoutingKey { get; set; }
    public string Url { get; set; } = DefaultUrl;

    /// <summary>An empty setting (as a settings template leaves it) means the default.</summary>
    public string Endpoint => string.IsNullOrWhiteSpace(Url) ? DefaultUrl : Url;
}

public sealed class OpsgenieChannelOptions
{
    public const string DefaultUrl = "https://api.opsgenie.com";

    public string? ApiKey { get; set; }
    public string Url { get; set; } = DefaultUrl;

    /// <summary>An empty setting (as a settings template leaves it) means the default.</summary>
    public string Endpoint => string.IsNullOrWhiteSpace(Url) ? DefaultUrl : Url;
}

/// <summary>Section <c>Vigil:Notifications</c>: how hard a send tries.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Vigil:Notifications";

    /// <summary>Retries after the first attempt, for 5xx, 429, timeouts and transient SMTP errors.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff; it doubles (with jitter) on each retry. A Retry-After header wins.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A Retry-After longer than this is capped, so one slow channel cannot stall an escalation.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class ChannelOptionsValidator : IValidateOptions<ChannelOptions>
{
    public ValidateOptionsResult Validate(string? name, ChannelOptions o)
    {
        var failures = new List<string>();
        Url(o.Slack.WebhookUrl, "Slack:WebhookUrl", failures);
        Url(o.Webhook.Url, "Webhook:Url", failures);
        Url(o.PagerDuty.Url, "PagerDuty:Url", failures);
        Url(o.Opsgenie.Url, "Opsgenie:Url", failures);
        Url(o.Teams.WebhookUrl, "Teams:WebhookUrl", failures);
        if (o.Email.Timeout <= TimeSpan.Zero) failures.Add($"{ChannelOptions.Section}:Email:Timeout must be positive.");
        if (!string.IsNullOrWhiteSpace(o.Email.ServerCertificateSha256)
            && (o.Email.ServerCertificateSha256.Replace(":", "", StringComparison.Ordinal).Length != 64 || !o.Email.ServerCertificateSha256.Replace(":", "", StringComparison.Ordinal).All(Uri.IsHexDigit)))
        {
            failures.Add($"{ChannelOptions.Section}:Email:ServerCertificateSha256 must be a SHA-256 fingerprint: 64 hex digits (colons allowed).");
        }
        if (o.Email.Port is < 1 or > 65535) failures.Add($"{ChannelOptions.Section}:Email:Port must be between 1 and 65535.");
        if (!string.IsNullOrWhiteSpace(o.Email.From) && !o.Email.From.Contains('@', StringComparison.Ordinal)) failures.Add($"{ChannelOptions.Section}:Email:From is not an e-mail address.");
        foreach (var to in o.Email.Recipients.Where(t => !t.Contains('@', StringComparison.Ordinal))) failures.Add($"{ChannelOptions.Section}:Email:To has '{to}', which is not an e-mail address.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        static void Url(string? value, string setting, List<string> failures)
        {
            if (string.IsNullOrWhiteSpace(value)) return;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                failures.Add($"{ChannelOptions.Section}:{setting} must be an absolute http(s) URL (was '{value}').");
            }
        }
    }
}

internal sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions o) =>
        o.MaxRetries is < 0 or > 10 || o.RetryBaseDelay < TimeSpan.Zero || o.AttemptTimeout <= TimeSpan.Zero || o.MaxRetryAfter < TimeSpan.Zero
            ? ValidateOptionsResult.Fail($"{NotificationOptions.Section}: MaxRetries must be 0–10 and the delays positive.")
            : ValidateOptionsResult.Success;
}
