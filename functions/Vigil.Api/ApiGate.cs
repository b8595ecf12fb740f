using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Core;
using Vigil.Core.Auth;

namespace Vigil.Api;

/// <summary>
/// The one door every handler goes through, in both hosts: authenticates the bearer key, checks the
/// permission, runs the handler, and turns failures into problem+json — storage trouble into 503 with
/// Retry-After, anything unexpected into a 500 that is logged but never shows a stack trace.
/// </summary>
public sealed partial class ApiGate(ApiKeyService keys, ILogger<ApiGate> logger)
{
    public async Task<IResult> RunAsync(HttpContext context, Permission? needed, Func<ApiPrincipal?, CancellationToken, Task<IResult>> handler, bool acceptFunctionsKey = false)
    {
        var cancellationToken = context.RequestAborted;
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
            return await handler(principal, cancellationToken);
        }
        catch (StorageUnavailableException e)
        {
            LogStorageUnavailable(logger, context.Request.Method, context.Request.Path, e.Message);
            return Problems.Unavailable(e.RetryAfter, "Storage is temporarily unavailable; nothing was written. Retry after the indicated delay.");
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
}
