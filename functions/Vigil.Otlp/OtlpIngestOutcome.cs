using Vigil.Otlp.Proto.Collector;

namespace Vigil.Otlp;

public enum OtlpIngestStatus
{
    /// <summary>Decoded and processed: every GenAI span stored or counted as a duplicate, the rest in partial_success (200).</summary>
    Processed,
    /// <summary>More GenAI spans than <c>Vigil:Ingest:MaxBatchItems</c> (413; the exporter should send smaller batches).</summary>
    TooManySpans,
    /// <summary>A span names a tenant the key may not write (403; nothing stored).</summary>
    ForbiddenTenant,
}

/// <summary>What one export request did; <see cref="Response"/> is what the client gets on 200.</summary>
public sealed record OtlpIngestOutcome(
    OtlpIngestStatus Status, ExportTraceServiceResponse Response, int Spans, int Accepted, int Duplicates, int Rejected, string? Detail);
