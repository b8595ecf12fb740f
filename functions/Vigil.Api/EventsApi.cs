using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Vigil.Core.Auth;
using Vigil.Core.Events;

namespace Vigil.Api;

/// <summary><c>POST /api/events</c>.</summary>
public sealed class EventsApi(ApiGate gate, EventIngestor ingestor, IOptionsMonitor<IngestOptions> options)
{
    public Task<IResult> PostAsync(HttpContext context) => gate.RunAsync(context, Permission.Ingest, async (principal, cancellationToken) =>
    {
        if (HttpBody.RequireJson(context.Request) is { } wrongType) return wrongType;
        var (body, tooLarge) = await HttpBody.ReadLimitedAsync(context.Request, options.CurrentValue.MaxBodyBytes, cancellationToken);
        if (tooLarge is not null) return tooLarge;
        using (body)
        {
            var outcome = await ingestor.IngestAsync(body!.Memory, new IngestCaller(principal!.TenantId), cancellationToken);
            return outcome.Status switch
            {
                IngestStatus.Stored => ApiResults.Json(outcome.Result!),
                IngestStatus.PartiallyStored => ApiResults.Json(outcome.Result!, StatusCodes.Status207MultiStatus),
                IngestStatus.AllRejected => Problems.BadRequest("events-rejected", "No event was accepted", outcome.Detail!)
                    .With("received", outcome.Result!.Received)
                    .With("accepted", outcome.Result.Accepted)
                    .With("duplicates", outcome.Result.Duplicates)
                    .With("rejected", outcome.Result.Rejected)
                    .With("errors", outcome.Result.Errors),
                IngestStatus.NotJson => Problems.BadRequest("invalid-json", "Malformed JSON", outcome.Detail!),
                IngestStatus.WrongShape => Problems.BadRequest("invalid-body", "Invalid body", outcome.Detail!),
                IngestStatus.TooManyItems => Problems.TooLarge(outcome.Detail!).With("max_items", options.CurrentValue.MaxBatchItems),
                IngestStatus.ForbiddenTenant => Problems.Forbidden(outcome.Detail!),
                _ => throw new InvalidOperationException($"Unhandled ingest status {outcome.Status}."),
            };
        }
    });
}
