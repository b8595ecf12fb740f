using Microsoft.AspNetCore.Server.Kestrel.Core;
using Vigil.Api;

namespace Vigil.LocalHost;

/// <summary>
/// What the local host answers for requests no handler answers: an unknown route, a wrong method, a
/// request Kestrel could not read, a target or headers over the limits. Each in the contract's shape
/// (problem+json), with the headers every API response carries. The handlers' own errors come from
/// <see cref="ApiGate"/>; this covers the rest of the pipeline.
/// </summary>
internal sealed partial class ProblemResponseMiddleware(RequestDelegate next, ILogger<ProblemResponseMiddleware> logger)
{
    /// <summary>The longest request target (path and query) served; Kestrel's own line limit is raised above it.</summary>
    public const int MaxTargetLength = 8 * 1024;

    /// <summary>The most header bytes (names and values) served; Kestrel's own limit is raised above it.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>
    /// Kestrel answers a request line or headers over its limits with an empty body, before any
    /// middleware runs. Its limits sit this far above ours, so that a request over ours but within
    /// these gets a problem+json answer from here; only a larger one gets Kestrel's bare 414 or 431.
    /// </summary>
    public const int KestrelLimit = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        ApiHeaders.Apply(context.Response);
        if (OverLimits(context.Request) is { } tooLarge)
        {
            await tooLarge.ExecuteAsync(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            LogBadRequest(logger, context.Request.Method, context.Request.Path, e.StatusCode, e.Message);
            await WriteAsync(context, Problems.ForStatus(e.StatusCode, e.Message));
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            LogUnhandled(logger, e, context.Request.Method, context.Request.Path, context.TraceIdentifier);
            await WriteAsync(context, Problems.Internal(context.TraceIdentifier));
        }
    }

    /// <summary>Kestrel's own limits, raised above ours (see <see cref="KestrelLimit"/>), and no Server header.</summary>
    public static void ConfigureKestrel(KestrelServerOptions options)
    {
        options.AddServerHeader = false;
        options.Limits.MaxRequestLineSize = KestrelLimit;
        options.Limits.MaxRequestHeadersTotalSize = KestrelLimit;
    }

    private static ProblemResult? OverLimits(HttpRequest request)
    {
        var target = (request.PathBase.Value?.Length ?? 0) + (request.Path.Value?.Length ?? 0) + (request.QueryString.Value?.Length ?? 0);
        if (target > MaxTargetLength)
        {
            return Problems.ForStatus(StatusCodes.Status414UriTooLong,
                $"The request target is {target:N0} characters; at most {MaxTargetLength:N0} are served.");
        }
        var headers = 0;
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values) headers += name.Length + (value?.Length ?? 0) + 4;
        }
        return headers > MaxHeaderBytes
            ? Problems.ForStatus(StatusCodes.Status431RequestHeaderFieldsTooLarge,
                $"The request headers are {headers:N0} bytes; at most {MaxHeaderBytes:N0} are served.")
            : null;
    }

    private static async Task WriteAsync(HttpContext context, ProblemResult problem)
    {
        context.Response.Clear();
        ApiHeaders.Apply(context.Response);
        await problem.ExecuteAsync(context);
    }

    [LoggerMessage(EventId = 4021, Level = LogLevel.Information,
        Message = "{Method} {Path} answered {Status}: the request could not be read ({Reason})")]
    private static partial void LogBadRequest(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(EventId = 4022, Level = LogLevel.Error,
        Message = "{Method} {Path} failed outside the API handlers (trace {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path, string traceId);
}
