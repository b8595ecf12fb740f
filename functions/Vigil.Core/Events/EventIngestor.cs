using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Core.Pricing;

namespace Vigil.Core.Events;

/// <summary>The contract's response body of <c>POST /api/events</c>.</summary>
public sealed record IngestResult(int Received, int Accepted, int Duplicates, int Rejected, IReadOnlyList<ItemError> Errors);

public enum IngestStatus
{
    /// <summary>Nothing rejected (200).</summary>
    Stored,
    /// <summary>Some items rejected, the rest stored (207).</summary>
    PartiallyStored,
    /// <summary>Every item rejected (400), or an empty batch.</summary>
    AllRejected,
    /// <summary>Body is not JSON (400).</summary>
    NotJson,
    /// <summary>JSON, but neither an object nor an array (400).</summary>
    WrongShape,
    /// <summary>More items than the limit (413).</summary>
    TooManyItems,
    /// <summary>An item names a tenant the caller may not write (403).</summary>
    ForbiddenTenant,
}

public sealed record IngestOutcome(IngestStatus Status, IngestResult? Result, string? Detail);

/// <summary>Who is ingesting: a key bound to a tenant may only write that tenant, and its events default to it.</summary>
public readonly record struct IngestCaller(string? BoundTenant);

/// <summary>Validates, prices and stores one request's events.</summary>
public sealed class EventIngestor(IEventStore store, PriceTable prices, IOptionsMonitor<IngestOptions> options, TimeProvider time)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    public async Task<IngestOutcome> IngestAsync(ReadOnlyMemory<byte> body, IngestCaller caller, CancellationToken cancellationToken)
    {
        var limits = options.CurrentValue;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            return new IngestOutcome(IngestStatus.NotJson, null, $"The body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                return new IngestOutcome(IngestStatus.WrongShape, null, $"The body must be one event object or an array of events, not a JSON {root.ValueKind.ToString().ToLowerInvariant()}.");
            }
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > limits.MaxBatchItems)
            {
                return new IngestOutcome(IngestStatus.TooManyItems, null, $"The batch holds {root.GetArrayLength()} events; at most {limits.MaxBatchItems} are accepted per request. Split it.");
            }
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 0)
            {
                return new IngestOutcome(IngestStatus.AllRejected, new IngestResult(0, 0, 0, 0, []), "The batch is empty.");
            }

            var context = new ParseContext(time.GetUtcNow(), caller.BoundTenant ?? TelemetryEvent.DefaultTenant, limits, prices);
            var batch = EventParser.Parse(root, context);

            if (caller.BoundTenant is { } bound && batch.Valid.FirstOrDefault(v => v.Event.TenantId != bound) is { Event: { } foreign } offending)
            {
                return new IngestOutcome(IngestStatus.ForbiddenTenant, null,
                    $"This key may only write tenant '{bound}', but the item at index {offending.Index} is for tenant '{foreign.TenantId}'. Nothing was stored.");
            }

            var unique = new List<TelemetryEvent>(batch.Valid.Count);
            var seen = new HashSet<(string, string)>();
            foreach (var (_, ev) in batch.Valid)
            {
                // The parser priced every valid event (and refused those costing more than the limit).
                if (seen.Add((ev.TenantId, ev.EventId))) unique.Add(ev);
            }

            var accepted = unique.Count == 0 ? 0 : await store.InsertAsync(unique, cancellationToken);
            var errors = batch.Errors;
            var result = new IngestResult(batch.Received, accepted, batch.Valid.Count - accepted, errors.Count, errors);
            VigilTelemetry.RecordIngest(result.Accepted, result.Duplicates, result.Rejected);
            var status = errors.Count == 0 ? IngestStatus.Stored
                : batch.Valid.Count == 0 ? IngestStatus.AllRejected
                : IngestStatus.PartiallyStored;
            var detail = status == IngestStatus.AllRejected ? $"All {errors.Count} events were rejected; see errors." : null;
            return new IngestOutcome(status, result, detail);
        }
    }
}
