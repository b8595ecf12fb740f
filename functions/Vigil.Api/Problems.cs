using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Vigil.Api;

/// <summary>An RFC 9457 <c>application/problem+json</c> response. Never carries a stack trace.</summary>
public sealed class ProblemResult : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public const string MediaType = "application/problem+json";

    internal ProblemResult(int status, string slug, string title, string detail)
    {
        StatusCode = status;
        Type = "urn:vigil:problem:" + slug;
        Title = title;
        Detail = detail;
    }

    public int StatusCode { get; }
    int? IStatusCodeHttpResult.StatusCode => StatusCode;
    public string ContentType => MediaType;
    public string Type { get; }
    public string Title { get; }
    public string Detail { get; }
    public Dictionary<string, object?> Extensions { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ProblemResult With(string name, object? value)
    {
        Extensions[name] = value;
        return this;
    }

    public ProblemResult WithHeader(string name, string value)
    {
        Headers[name] = value;
        return this;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = MediaType;
        foreach (var (name, value) in Headers) response.Headers[name] = value;
        var body = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["type"] = Type,
            ["title"] = Title,
            ["status"] = StatusCode,
            ["detail"] = Detail,
            ["instance"] = httpContext.Request.Path.Value,
        };
        foreach (var (name, value) in Extensions) body[name] = value;
        await JsonSerializer.SerializeAsync(response.Body, body, ApiJson.Options, httpContext.RequestAborted);
    }
}

public static class Problems
{
    public static ProblemResult Unauthorized(string detail) =>
        new ProblemResult(401, "unauthorized", "Unauthorized", detail).WithHeader("WWW-Authenticate", "Bearer realm=\"vigil\"");

    public static ProblemResult Forbidden(string detail) => new(403, "forbidden", "Forbidden", detail);

    public static ProblemResult NotFound(string detail) => new(404, "not-found", "Not Found", detail);

    public static ProblemResult Conflict(string detail) => new(409, "conflict", "Conflict", detail);

    public static ProblemResult Locked(string detail) => new(423, "locked", "Locked", detail);

    public static ProblemResult BadRequest(string slug, string title, string detail) => new(400, slug, title, detail);

    public static ProblemResult Validation(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        new ProblemResult(400, "validation", "Validation failed", detail ?? "One or more fields are invalid; see errors.").With("errors", errors);

    public static ProblemResult TooLarge(string detail) => new(413, "payload-too-large", "Payload Too Large", detail);

    public static ProblemResult UnsupportedMediaType(string detail) => new(415, "unsupported-media-type", "Unsupported Media Type", detail);

    public static ProblemResult Unavailable(TimeSpan retryAfter, string detail) =>
        new ProblemResult(503, "storage-unavailable", "Service Unavailable", detail)
            .WithHeader("Retry-After", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The problem for a bare status code: one the framework or the server chose (no route, wrong
    /// method, a request Kestrel refused while reading it), written in the contract's shape.
    /// </summary>
    public static ProblemResult ForStatus(int status, string? detail = null)
    {
        var (slug, title, fallback) = status switch
        {
            400 => ("bad-request", "Bad Request", "The request is malformed."),
            404 => ("not-found", "Not Found", "There is no route at this path; see docs/openapi.yaml."),
            405 => ("method-not-allowed", "Method Not Allowed", "This route does not take this method; see docs/openapi.yaml."),
            408 => ("request-timeout", "Request Timeout", "The request arrived too slowly."),
            411 => ("length-required", "Length Required", "Send a Content-Length or a chunked body."),
            413 => ("payload-too-large", "Payload Too Large", "The body is too large."),
            414 => ("uri-too-long", "URI Too Long", "The request target is too long."),
            415 => ("unsupported-media-type", "Unsupported Media Type", "Send the body as JSON with Content-Type: application/json."),
            431 => ("request-header-fields-too-large", "Request Header Fields Too Large", "The request headers are too large."),
            500 => ("internal", "Internal Server Error", "An unexpected error occurred; it has been logged."),
            _ => ($"http-{status}", ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error",
                $"The request ended with status {status}."),
        };
        return new ProblemResult(status, slug, title, detail ?? fallback);
    }

    public static ProblemResult Internal(string traceId) =>
        new ProblemResult(500, "internal", "Internal Server Error", "An unexpected error occurred; it has been logged.").With("trace_id", traceId);
}

/// <summary>JSON with the contract's options and a chosen status code.</summary>
public static class ApiResults
{
    public static IResult Json<T>(T value, int statusCode = StatusCodes.Status200OK) =>
        TypedResults.Json(value, ApiJson.Options, contentType: "application/json; charset=utf-8", statusCode: statusCode);
}

/// <summary>Field → messages, as the contract's validation problems carry them.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
    }

    public static ProblemResult Single(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return errors.ToProblem();
    }

    public ProblemResult ToProblem(string? detail = null) =>
        Problems.Validation(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal), detail);
}
