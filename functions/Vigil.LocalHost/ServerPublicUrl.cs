using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Vigil.Core;
using Vigil.Core.Alerts;

namespace Vigil.LocalHost;

/// <summary>
/// The local host's own address (from the server, so <c>--urls</c>, <c>ASPNETCORE_URLS</c> and
/// <c>Urls</c> all count) when no public URL is configured. A wildcard host becomes localhost.
/// </summary>
internal sealed class ServerPublicUrl(IOptionsMonitor<AlertingOptions> options, IServer server) : PublicUrl(options)
{
    protected override string FromHost()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (chosen is null) return DefaultPublicUrl.Fallback;
        var url = chosen.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed)) return DefaultPublicUrl.Fallback;
        var host = parsed.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : parsed.Host;
        return new UriBuilder(parsed.Scheme, host, parsed.Port).Uri.GetLeftPart(UriPartial.Authority);
    }
}
