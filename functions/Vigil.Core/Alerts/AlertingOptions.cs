using Microsoft.Extensions.Options;

namespace Vigil.Core.Alerts;

/// <summary>Section <c>Vigil:Alerting</c>: the address notifications link to.</summary>
public sealed class AlertingOptions
{
    public const string Section = "Vigil:Alerting";

    /// <summary>
    /// Base URL of this API as people reach it, for the links in notifications; setting
    /// <c>Vigil__Alerting__PublicUrl</c>. Empty: the host says where it listens (the local host its
    /// own address, the Functions app its site's host name).
    /// </summary>
    public string? PublicUrl { get; set; }
}

internal sealed class AlertingOptionsValidator : IValidateOptions<AlertingOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertingOptions o) =>
        string.IsNullOrWhiteSpace(o.PublicUrl)
        || (Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{AlertingOptions.Section}:PublicUrl must be an absolute http or https URL (was '{o.PublicUrl}').");
}
