using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Vigil.Core.Auth;

namespace Vigil.Api;

/// <summary>
/// The web console: static files compiled into this assembly (Console/*, no CDN and no build
/// step: plain ES modules and CSS, charts drawn as SVG), served at <c>/api/console</c> with a
/// Content-Security-Policy that allows only this origin's scripts — nothing inline — and an ETag.
/// The page asks for an API key and keeps it in sessionStorage; <c>GET /api/console/session</c>
/// tells it the key's role and tenant so it can hide what the key may not do.
/// </summary>
public sealed class ConsoleApi(ApiGate gate)
{
    /// <summary>Only this origin; no inline script or style; no framing; API calls to this origin only.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, Asset> Assets = LoadAssets();

    public Task<IResult> IndexAsync(HttpContext context) => Task.FromResult(Serve(context, "index.html"));

    public Task<IResult> AssetAsync(HttpContext context, string path) =>
        Task.FromResult(path == "session" ? Results.NotFound() : Serve(context, path));

    /// <summary>GET /api/console/session: who the key is, as far as the console needs to know.</summary>
    public Task<IResult> SessionAsync(HttpContext context) => gate.RunAsync(context, Permission.Read, (principal, _) =>
        Task.FromResult(ApiResults.Json(new
        {
            name = principal!.Name,
            role = principal.Role.ToName(),
            tenant_id = principal.TenantId,
            can_acknowledge = principal.Role >= ApiRole.Operator,
            can_admin = principal.Role == ApiRole.Admin,
        })));

    private static IResult Serve(HttpContext context, string path)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        if (!Assets.TryGetValue(path, out var asset))
        {
            return Problems.NotFound($"No console file '{path}'.");
        }
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Content, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> LoadAssets()
    {
        const string prefix = "Vigil.Api.Console.";
        var assembly = typeof(ConsoleApi).Assembly;
        var result = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var file = name[prefix.Length..];
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
            result[file] = new Asset(bytes, ContentTypeOf(file), etag);
        }
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };

    private sealed record Asset(byte[] Content, string ContentType, string ETag);
}
