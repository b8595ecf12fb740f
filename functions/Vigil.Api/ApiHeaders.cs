using Microsoft.AspNetCore.Http;

namespace Vigil.Api;

/// <summary>
/// Headers every API response carries, on both hosts: set by <see cref="ApiGate"/>, and by the local
/// host for the answers it gives itself.
/// </summary>
public static class ApiHeaders
{
    public static void Apply(HttpResponse response)
    {
        // A problem+json or JSON body is never to be sniffed into HTML by a browser.
        response.Headers.XContentTypeOptions = "nosniff";
        // Responses carry a key's data (and POST /api/keys the plaintext key itself): no browser or
        // proxy cache may keep them. A handler that wants caching sets its own Cache-Control.
        response.Headers.CacheControl = "no-store";
    }
}
