using System.Text;
using Microsoft.Extensions.Logging;
using Vigil.Core.Events;
using Vigil.Otlp.Proto.Collector;

namespace Vigil.Otlp;

/// <summary>
/// Ingests one OTLP trace export: GenAI spans become events through the same <see cref="EventIngestor"/>
/// as <c>POST /api/events</c> (validation, pricing, cost bounds, tenant rules, idempotency on
/// trace id + span id: a resent export is counted as duplicates). Spans that are not GenAI
/// operations are not events; they and the invalid ones are counted in partial_success as the OTLP
/// specification asks ("rejected", so the exporter does not retry them), with a message that says
/// why.
/// </summary>
public sealed partial class OtlpTraceIngestor(EventIngestor ingestor, ILogger<OtlpTraceIngestor> logger)
{
    /// <summary>How many reasons the partial_success message lists before "and N more".</summary>
    private const int MaxReasons = 5;

    public async Task<OtlpIngestOutcome> IngestAsync(ExportTraceServiceRequest request, IngestCaller caller, CancellationToken cancellationToken)
    {
        var batch = GenAiSpanMapper.Map(request);
        var accepted = 0;
        var duplicates = 0;
        IReadOnlyList<ItemError> errors = [];
        if (batch.EventIds.Count > 0)
        {
            var outcome = await ingestor.IngestAsync(batch.EventsJson.WrittenMemory, caller, cancellationToken);
            switch (outcome.Status)
            {
                case IngestStatus.TooManyItems:
                    return Refused(OtlpIngestStatus.TooManySpans, batch, $"The export holds {batch.EventIds.Count} GenAI spans; " +
                        "fewer per request are accepted (Vigil:Ingest:MaxBatchItems). Lower the exporter's max export batch size.");
                case IngestStatus.ForbiddenTenant:
                    return Refused(OtlpIngestStatus.ForbiddenTenant, batch, outcome.Detail!);
                case IngestStatus.NotJson or IngestStatus.WrongShape:
                    throw new InvalidOperationException($"The span mapper wrote items the parser could not read: {outcome.Detail}");
                default:
                    accepted = outcome.Result!.Accepted;
                    duplicates = outcome.Result.Duplicates;
                    errors = outcome.Result.Errors;
                    break;
            }
        }

        var rejected = batch.Unmapped + errors.Count;
        var response = new ExportTraceServiceResponse();
        if (rejected > 0)
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejected, ErrorMessage = Explain(batch, errors) };
            LogRejected(logger, rejected, batch.Spans, response.PartialSuccess.ErrorMessage);
        }
        return new OtlpIngestOutcome(OtlpIngestStatus.Processed, response, batch.Spans, accepted, duplicates, rejected, null);
    }

    private static OtlpIngestOutcome Refused(OtlpIngestStatus status, SpanBatch batch, string detail) =>
        new(status, new ExportTraceServiceResponse(), batch.Spans, 0, 0, batch.Spans, detail);

    private static string Explain(SpanBatch batch, IReadOnlyList<ItemError> errors)
    {
        var text = new StringBuilder();
        var rejected = batch.Unmapped + errors.Count;
        text.Append(rejected).Append(" of ").Append(batch.Spans).Append(" spans were not stored. ");
        if (batch.Unmapped > 0)
        {
            text.Append(batch.Unmapped).Append(" are not GenAI spans (no gen_ai.operation.name Vigil maps, see docs/otlp.md), e.g. ")
                .AppendJoin(", ", batch.UnmappedExamples.Select(n => $"'{(n.Length <= 60 ? n : n[..57] + "...")}'"))
                .Append(". ");
        }
        foreach (var error in errors.Take(MaxReasons))
        {
            text.Append("Span ").Append(error.EventId ?? batch.EventIds[error.Index]).Append(": ").Append(error.Message).Append(". ");
        }
        if (errors.Count > MaxReasons) text.Append("And ").Append(errors.Count - MaxReasons).Append(" more invalid spans.");
        return text.ToString().TrimEnd();
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "OTLP export: {Rejected} of {Spans} spans not stored: {Reason}")]
    private static partial void LogRejected(ILogger logger, int rejected, int spans, string reason);
}
