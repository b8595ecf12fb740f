using System.Globalization;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Otlp;
using Vigil.Otlp.Proto.Collector;

namespace Vigil.Api;

/// <summary>
/// <c>POST /api/otlp/v1/traces</c>: OTLP/HTTP trace export (protobuf or JSON, gzip allowed) with the
/// auth, tenant binding and body limit of <c>POST /api/events</c>. A processed export answers 200
/// with an ExportTraceServiceResponse in the request's encoding; refusals are problem+json as on
/// every other route (OTLP exporters act on the status code: 4xx is not retried, 503 with
/// Retry-After is). The counts of the run are also in the headers Vigil-Accepted,
/// Vigil-Duplicates and Vigil-Rejected, since the OTLP response only counts rejected spans.
/// </summary>
public sealed class OtlpApi(ApiGate gate, OtlpTraceIngestor ingestor, IOptionsMonitor<IngestOptions> options)
{
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default);

    public Task<IResult> PostTracesAsync(HttpContext context) => gate.RunAsync(context, Permission.Ingest, async (principal, cancellationToken) =>
    {
        var (format, wrongType) = OtlpBody.Format(context.Request);
        if (wrongType is not null) return wrongType;
        var (body, problem) = await OtlpBody.ReadAsync(context.Request, options.CurrentValue.MaxBodyBytes, cancellationToken);
        if (problem is not null) return problem;
        ExportTraceServiceRequest request;
        using (body)
        {
            try
            {
                request = format == OtlpFormat.Protobuf
                    ? OtlpTraceReader.ReadProtobuf(body!.Memory.Span)
                    : OtlpTraceReader.ReadJson(body!.Memory.Span);
            }
            catch (OtlpFormatException e)
            {
                return Problems.BadRequest("invalid-otlp", "Malformed OTLP request", e.Message);
            }
        }

        var outcome = await ingestor.IngestAsync(request, new IngestCaller(principal!.TenantId), cancellationToken);
        return outcome.Status switch
        {
            OtlpIngestStatus.Processed => new OtlpResponse(outcome, format),
            OtlpIngestStatus.TooManySpans => Problems.TooLarge(outcome.Detail!).With("max_items", options.CurrentValue.MaxBatchItems),
            OtlpIngestStatus.ForbiddenTenant => Problems.Forbidden(outcome.Detail!),
            _ => throw new InvalidOperationException($"Unhandled OTLP ingest status {outcome.Status}."),
        };
    });

    /// <summary>200 with the ExportTraceServiceResponse, encoded as the request was.</summary>
    private sealed class OtlpResponse(OtlpIngestOutcome outcome, OtlpFormat format) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => StatusCodes.Status200OK;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.Headers["Vigil-Accepted"] = outcome.Accepted.ToString(CultureInfo.InvariantCulture);
            response.Headers["Vigil-Duplicates"] = outcome.Duplicates.ToString(CultureInfo.InvariantCulture);
            response.Headers["Vigil-Rejected"] = outcome.Rejected.ToString(CultureInfo.InvariantCulture);
            if (format == OtlpFormat.Protobuf)
            {
                response.ContentType = OtlpBody.ProtobufMediaType;
                await response.Body.WriteAsync(outcome.Response.ToByteArray(), httpContext.RequestAborted);
            }
            else
            {
                response.ContentType = "application/json";
                await response.WriteAsync(Json.Format(outcome.Response), httpContext.RequestAborted);
            }
        }
    }
}
