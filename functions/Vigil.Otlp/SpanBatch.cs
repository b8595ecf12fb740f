using System.Buffers;

namespace Vigil.Otlp;

/// <summary>
/// The spans of one export request as Vigil sees them: the GenAI ones as a JSON array in the item
/// shape of <c>POST /api/events</c> (so the event parser validates, prices and stores them as it does
/// any event), and a count of the others with a few of their names for the response's message.
/// </summary>
public sealed class SpanBatch
{
    public ArrayBufferWriter<byte> EventsJson { get; } = new(4096);

    /// <summary>The event id of each item in <see cref="EventsJson"/>, by index.</summary>
    public List<string> EventIds { get; } = [];

    public int Spans { get; set; }

    /// <summary>Spans that are not GenAI operations (HTTP, database, framework spans...).</summary>
    public int Unmapped { get; set; }

    /// <summary>Names of the first few unmapped spans.</summary>
    public List<string> UnmappedExamples { get; } = [];
}
