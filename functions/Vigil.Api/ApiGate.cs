using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Core;
using Vigil.Core.Auth;

namespace Vigil.Api;

/// <summary>
/// The one door every handler goes through, in both hosts: sets the headers every response carries,
/// authenticates the bearer key, checks the permission, refuses a path no route can hold, runs the
/// handler, and turns failures into problem+json — a request Kestrel could not read (the client's
/// fault) into its 400/408/413, storage trouble into 503 with Retry-After, anything unexpected into
/// a 500 that is logged but never shows a stack trace.
/// </summary>
public sealed partial class ApiGate(ApiKeyService keys, ILogger<ApiGate> logger)
{
    public async Task<IResult> RunAsync(HttpContext context, Permission? needed, Func<ApiPrincipal?, CancellationToken, Task<IResult>> handler, bool acceptFunctionsKey = false)
    {
        var cancellationToken = context.RequestAborted;
        ApiHeaders.Apply(context.Response);
        try
        {
            ApiPrincipal? principal = null;
            if (needed is { } permission)
            {
                var presented = PresentedKey(context.Request, acceptFunctionsKey);
                if (presented is null)
                {
                    return Problems.Unauthorized("Send an API key as 'Authorization: Bearer <key>'.");
                }
                principal = await keys.AuthenticateAsync(presented, cancellationToken);
                if (principal is null)
                {
                    return Problems.Unauthorized("The API key is unknown or has been revoked.");
                }
                if (!principal.Has(permission))
                {
                    return Problems.Forbidden($"A key with role '{principal.Role.ToName()}' may not {Describe(permission)}.");
                }
            }
            if (UnstorablePath(context.Request) is { } badPath) return badPath;
            return await handler(principal, cancellationToken);
        }
        catch (StorageUnavailableException e)
        {
            LogStorageUnavailable(logger, context.Request.Method, context.Request.Path, e.Message);
            return Problems.Unavailable(e.RetryAfter, "Storage is temporarily unavailable; nothing was written. Retry after the indicated delay.");
        }
        catch (BadHttpRequestException e)
        {
            // A Content-Length longer than the body, a bad chunk, a body slower than the minimum data
            // rate: the client's doing, so no error and no stack trace (any client could flood the log).
            LogBadRequest(logger, context.Request.Method, context.Request.Path, e.StatusCode, e.Message);
            return Problems.ForStatus(e.StatusCode, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nothing useful can be sent.
            return Results.StatusCode(499);
        }
        catch (Exception e)
        {
            LogUnhandled(logger, e, context.Request.Method, context.Request.Path, context.TraceIdentifier);
            return Problems.Internal(context.TraceIdentifier);
        }
    }

    /// <summary>Whether the caller may see data of <paramref name="tenantId"/>; a 403 problem otherwise.</summary>
    public static ProblemResult? CheckTenant(ApiPrincipal principal, string? tenantId) =>
        tenantId is not null && !principal.MayAccessTenant(tenantId)
            ? Problems.Forbidden($"This key is bound to tenant '{principal.TenantId}' and may not access tenant '{tenantId}'.")
            : null;

    /// <summary>
    /// Route values come from the path and reach the stores as text: a decoded path with a control
    /// character (%00 among them) or an unpaired surrogate names nothing, and PostgreSQL would refuse
    /// the NUL.
    /// </summary>
    private static ProblemResult? UnstorablePath(HttpRequest request)
    {
        var values = request.RouteValues.Values.OfType<string>().Prepend(request.Path.Value ?? "");
        return values.Any(v => StorableText.Problem(v) is not null || StorableText.HasControl(v))
            ? Problems.BadRequest("invalid-path", "Invalid path",
                "The path holds a control character or text that is not valid UTF-8; no name in this API does.")
            : null;
    }

    private static string? PresentedKey(HttpRequest request, bool acceptFunctionsKey)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = authorization[7..].Trim();
            return key.Length > 0 ? key : null;
        }
        // The Functions admin API authenticates with x-functions-key; the local host accepts an admin key there too.
        return acceptFunctionsKey && request.Headers.TryGetValue("x-functions-key", out var functionsKey) && functionsKey.ToString().Length > 0
            ? functionsKey.ToString()
            : null;
    }

    private static string Describe(Permission permission) => permission switch
    {
        Permission.Ingest => "write events or batch runs (needs role ingest or admin)",
        Permission.Read => "read (needs role read, operator or admin)",
        Permission.Acknowledge => "acknowledge alerts (needs role operator or admin)",
        _ => "do this (needs role admin)",
    };

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: {Reason}")]
    private static partial void LogStorageUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "{Method} {Path} failed (trace {TraceId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path, string traceId);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information,
        Message = "{Method} {Path} answered {Status}: the request could not be read ({Reason})")]
    private static partial void LogBadRequest(ILogger logger, string method, string path, int status, string reason);
}
