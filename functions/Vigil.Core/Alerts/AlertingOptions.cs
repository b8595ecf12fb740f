using Microsoft.Extensions.Options;

namespace Vigil.Core.Alerts;

/// <summary>Section <c>Vigil:Alerting</c>: the address notifications link to, and the acknowledge links.</summary>
public sealed class AlertingOptions
{
    public const string Section = "Vigil:Alerting";

    /// <summary>
    /// Base URL of this API as people reach it, for the links in notifications; setting
    /// <c>Vigil__Alerting__PublicUrl</c>. Empty: the host says where it listens (the local host its
    /// own address, the Functions app its site's host name).
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Key of the acknowledge links (<c>{PublicUrl}/api/ack/{token}</c>); setting
    /// <c>Vigil__Alerting__LinkSecret</c>. Empty: derived from <c>VIGIL_ADMIN_KEY</c>, so every host of
    /// a deployment makes the same links and rotating the admin key retires them. Changing it retires
    /// every link sent before.
    /// </summary>
    public string? LinkSecret { get; set; }

    /// <summary>
    /// Acknowledge-link requests (page views and acknowledgements, valid or not) one client address
    /// may make per minute; the whole host takes twenty times that. Setting
    /// <c>Vigil__Alerting__AckLinkRequestsPerMinute</c>.
    /// </summary>
    public int AckLinkRequestsPerMinute { get; set; } = 30;
}

internal sealed class AlertingOptionsValidator : IValidateOptions<AlertingOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertingOptions o)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(o.PublicUrl) && !(Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            failures.Add($"{AlertingOptions.Section}:PublicUrl must be an absolute http or https URL (was '{o.PublicUrl}').");
        }
        if (!string.IsNullOrEmpty(o.LinkSecret) && o.LinkSecret.Length < 16) failures.Add($"{AlertingOptions.Section}:LinkSecret must be at least 16 characters.");
        if (o.AckLinkRequestsPerMinute is < 1 or > 100_000) failures.Add($"{AlertingOptions.Section}:AckLinkRequestsPerMinute must be 1 to 100000 (was {o.AckLinkRequestsPerMinute}).");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
