using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;

namespace Vigil.Core;

/// <summary>
/// The base URL people reach this API at, for links in notifications: the configured
/// <c>Vigil:Alerting:PublicUrl</c> when set, else what the host reports about itself.
/// </summary>
public abstract class PublicUrl(IOptionsMonitor<AlertingOptions> options)
{
    /// <summary>Without a trailing slash.</summary>
    public string Base => (string.IsNullOrWhiteSpace(options.CurrentValue.PublicUrl) ? FromHost() : options.CurrentValue.PublicUrl).TrimEnd('/');

    /// <summary>Where the host itself says it is reached, when nothing is configured.</summary>
    protected abstract string FromHost();
}

/// <summary>Hosts that cannot tell: the port the Functions tooling and the local host use by default.</summary>
public sealed class DefaultPublicUrl(IOptionsMonitor<AlertingOptions> options) : PublicUrl(options)
{
    public const string Fallback = "http://localhost:7071";

    protected override string FromHost() => Fallback;
}
