using System.Text;
using Microsoft.AspNetCore.Http;

namespace Vigil.Api;

/// <summary>
/// An acknowledge-link page: HTML under a CSP that allows no script and no third-party anything, and
/// no Referer (the URL is the credential).
/// </summary>
internal sealed class AckPageResult(int statusCode, string html) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => statusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers["X-Robots-Tag"] = "noindex";
        return response.WriteAsync(html, Encoding.UTF8, httpContext.RequestAborted);
    }
}
