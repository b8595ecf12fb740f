using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Alerts;

namespace Vigil.Functions;

/// <summary>
/// The Function App's own address when no public URL is configured: Azure (and Core Tools, with
/// localhost:7071) set <c>WEBSITE_HOSTNAME</c> to the host name the site answers on.
/// </summary>
internal sealed class SitePublicUrl(IOptionsMonitor<AlertingOptions> options, IConfiguration configuration) : PublicUrl(options)
{
    public const string HostNameSetting = "WEBSITE_HOSTNAME";

    protected override string FromHost()
    {
        var host = configuration[HostNameSetting];
        if (string.IsNullOrWhiteSpace(host)) return DefaultPublicUrl.Fallback;
        var local = host.StartsWith("localhost", StringComparison.OrdinalIgnoreCase) || host.StartsWith("127.0.0.1", StringComparison.Ordinal);
        return (local ? "http://" : "https://") + host.TrimEnd('/');
    }
}
