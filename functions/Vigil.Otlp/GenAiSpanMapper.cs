using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Vigil.Otlp.Proto.Collector;
using Vigil.Otlp.Proto.Common;
using Vigil.Otlp.Proto.Trace;

namespace Vigil.Otlp;

/// <summary>
/// Maps OpenTelemetry spans that follow the GenAI semantic conventions to Vigil events (docs/otlp.md
/// has the table). The current attribute names and the deprecated ones are read, as are the names
/// OpenLLMetry and OpenInference (Phoenix) use, so a bot instrumented with any of them needs no
/// Vigil client. Nothing is validated here: each span becomes an item of the <c>/api/events</c>
/// shape, and the event parser applies every rule of the contract to it.
/// </summary>
public static class GenAiSpanMapper
{
    /// <summary>How many unmapped span names the response's message quotes.</summary>
    private const int MaxExamples = 3;

    /// <summary>Vector stores whose client spans count as retrievals (db.system / db.system.name).</summary>
    private static readonly HashSet<string> VectorStores = new(StringComparer.OrdinalIgnoreCase)
    {
        "chroma", "pinecone", "qdrant", "weaviate", "milvus", "lancedb", "marqo",
    };

    /// <summary>Span events that mark the first streamed chunk: its time after the span's start is the time to first token.</summary>
    private static readonly HashSet<string> FirstChunkEvents = new(StringComparer.Ordinal)
    {
        "gen_ai.content.completion.chunk", "llm.content.completion.chunk", "First Token Stream Event",
    };

    public static SpanBatch Map(ExportTraceServiceRequest request)
    {
        var batch = new SpanBatch();
        using var writer = new Utf8JsonWriter(batch.EventsJson);
        writer.WriteStartArray();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resource = Index(resourceSpans.Resource?.Attributes);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (var span in scopeSpans.Spans)
                {
                    batch.Spans++;
                    var attributes = Index(span.Attributes);
                    if (Classify(attributes) is not { } kind)
                    {
                        batch.Unmapped++;
                        if (batch.UnmappedExamples.Count < MaxExamples) batch.UnmappedExamples.Add(span.Name);
                        continue;
                    }
                    var eventId = Hex(span.TraceId) + Hex(span.SpanId);
                    batch.EventIds.Add(eventId);
                    WriteEvent(writer, eventId, kind, span, attributes, resource, scopeSpans.Scope?.Name);
                }
            }
        }
        writer.WriteEndArray();
        writer.Flush();
        return batch;
    }

    /// <summary>The event type and the operation name of a GenAI span; null for any other span.</summary>
    internal static (string Type, string Operation)? Classify(IReadOnlyDictionary<string, AnyValue> a)
    {
        if (Text(a, "gen_ai.operation.name") is { } operation)
        {
            return operation switch
            {
                "chat" or "text_completion" or "generate_content" or "embeddings" => ("llm_call", operation),
                "execute_tool" => ("tool_call", operation),
                "invoke_agent" => ("bot_interaction", operation),
                "retrieval" or "retrieve" => ("rag_retrieval", operation),
                _ => null,
            };
        }
        // OpenInference (Phoenix, Arize) marks spans with a kind instead.
        if (Text(a, "openinference.span.kind") is { } openInference)
        {
            return openInference.ToUpperInvariant() switch
            {
                "LLM" => ("llm_call", "chat"),
                "EMBEDDING" => ("llm_call", "embeddings"),
                "TOOL" => ("tool_call", "execute_tool"),
                "AGENT" => ("bot_interaction", "invoke_agent"),
                "RETRIEVER" => ("rag_retrieval", "retrieval"),
                _ => null,
            };
        }
        // OpenLLMetry before it wrote gen_ai.operation.name.
        if (Text(a, "llm.request.type") is { } requestType)
        {
            return requestType switch
            {
                "chat" => ("llm_call", "chat"),
                "completion" => ("llm_call", "text_completion"),
                "embedding" => ("llm_call", "embeddings"),
                _ => null,
            };
        }
        if (Text(a, "traceloop.span.kind") is { } traceloop)
        {
            return traceloop switch
            {
                "agent" => ("bot_interaction", "invoke_agent"),
                "tool" => ("tool_call", "execute_tool"),
                _ => null,
            };
        }
        if ((Text(a, "db.system.name") ?? Text(a, "db.system")) is { } store && VectorStores.Contains(store))
        {
            return ("rag_retrieval", "retrieval");
        }
        return null;
    }

    private static void WriteEvent(Utf8JsonWriter w, string eventId, (string Type, string Operation) kind, Span span,
        Dictionary<string, AnyValue> a, Dictionary<string, AnyValue> resource, string? scope)
    {
        w.WriteStartObject();
        w.WriteString("event_id", eventId);
        w.WriteString("type", kind.Type);
        var start = FromUnixNano(span.StartTimeUnixNano);
        w.WriteString("timestamp", start.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        if ((Text(a, "vigil.tenant_id") ?? Text(resource, "vigil.tenant_id")) is { } tenant) w.WriteString("tenant_id", tenant);
        w.WriteString("bot", BotName(Text(a, "gen_ai.agent.name") ?? Text(resource, "service.name")));
        w.WriteString("operation", Text(a, "vigil.operation") ?? kind.Operation);
        if (span.TraceId.Length > 0) w.WriteString("trace_id", Hex(span.TraceId));
        CopyText(w, "conversation_id", a, "gen_ai.conversation.id", "session.id");
        CopyText(w, "user_id", a, "user.id", "enduser.id");
        // A span that never ended (end before start) is left to the parser to reject.
        w.WriteNumber("duration_ms", ((double)span.EndTimeUnixNano - span.StartTimeUnixNano) / 1e6);

        var failed = span.Status?.Code == Status.Types.StatusCode.Error;
        w.WriteBoolean("success", !failed);
        if (failed) w.WriteString("error_type", ErrorType(span, a));

        CopyText(w, "provider", a, "gen_ai.provider.name", "gen_ai.system", "llm.provider", "llm.system");
        CopyText(w, "model", a, "gen_ai.request.model", "gen_ai.response.model", "llm.model_name");
        WriteTokens(w, a);
        CopyNumber(w, "cost_usd", a, "gen_ai.usage.cost");
        if (TimeToFirstTokenMs(span, a) is { } ttft) w.WriteNumber("ttft_ms", ttft);
        if (kind.Type == "tool_call") WriteToolName(w, span, a);

        w.WriteStartObject("attributes");
        w.WriteString("otel.span_name", Clip(span.Name, 4096));
        if (!string.IsNullOrEmpty(scope)) w.WriteString("otel.scope_name", Clip(scope, 4096));
        if (span.ParentSpanId.Length > 0) w.WriteString("otel.parent_span_id", Hex(span.ParentSpanId));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>
    /// Input tokens include cached ones in the conventions (and in Vigil's events), so the cached
    /// count is a part of the input, priced at the cached rate, never added to it. Only where a
    /// library plainly reported input without the cached part (cached larger than input) are they
    /// added up, so that the event stays valid and the input is priced once.
    /// </summary>
    private static void WriteTokens(Utf8JsonWriter w, Dictionary<string, AnyValue> a)
    {
        var input = First(a, "gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens", "llm.token_count.prompt");
        var output = First(a, "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion");
        var cached = First(a, "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
            "llm.token_count.prompt_details.cache_read");
        if (input is { } i && cached is { } c && Whole(i) is { } inputCount && Whole(c) is { } cachedCount && cachedCount > inputCount)
        {
            w.WriteNumber("input_tokens", inputCount + cachedCount);
        }
        else if (input is { } value)
        {
            WriteCount(w, "input_tokens", value);
        }
        if (output is { } o) WriteCount(w, "output_tokens", o);
        if (cached is { } cachedValue) WriteCount(w, "cached_input_tokens", cachedValue);
    }

    private static void WriteToolName(Utf8JsonWriter w, Span span, Dictionary<string, AnyValue> a)
    {
        var name = Text(a, "gen_ai.tool.name") ?? Text(a, "tool.name");
        // The conventions name tool spans "execute_tool {gen_ai.tool.name}".
        if (name is null && span.Name.StartsWith("execute_tool ", StringComparison.Ordinal)) name = span.Name["execute_tool ".Length..].Trim();
        if (!string.IsNullOrEmpty(name)) w.WriteString("tool_name", name);
    }

    /// <summary>error.type as the conventions ask; else the recorded exception's type; else "error".</summary>
    private static string ErrorType(Span span, Dictionary<string, AnyValue> a)
    {
        var type = Text(a, "error.type")
            ?? span.Events.Where(e => e.Name == "exception").Select(e => Text(Index(e.Attributes), "exception.type")).FirstOrDefault(t => t is not null)
            ?? "error";
        // Vigil's rate-limit metrics and alerts look for "rate_limit"; libraries report the class
        // (openai.RateLimitError, RateLimitException) or the HTTP status.
        var squeezed = type.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (squeezed.Contains("ratelimit", StringComparison.OrdinalIgnoreCase)) return "rate_limit";
        return Clip(type, 64);
    }

    private static double? TimeToFirstTokenMs(Span span, Dictionary<string, AnyValue> a)
    {
        // Seconds in both conventions (the OpenTelemetry one and OpenLIT's).
        if ((First(a, "gen_ai.response.time_to_first_chunk", "gen_ai.server.time_to_first_token") is { } seconds) && Number(seconds) is { } s)
        {
            return s * 1000;
        }
        foreach (var e in span.Events)
        {
            if (FirstChunkEvents.Contains(e.Name) && e.TimeUnixNano >= span.StartTimeUnixNano)
            {
                return (e.TimeUnixNano - span.StartTimeUnixNano) / 1e6;
            }
        }
        return null;
    }

    /// <summary>
    /// Bot names are <c>[a-z0-9_.-]{1,64}</c>: an agent or service name is lower-cased, every other
    /// character becomes '_', and it is cut at 64 ("Lead Bot" → "lead_bot").
    /// </summary>
    public static string BotName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "unknown_service";
        var trimmed = name.Trim();
        var chars = new char[Math.Min(trimmed.Length, 64)];
        for (var i = 0; i < chars.Length; i++)
        {
            var ch = char.ToLowerInvariant(trimmed[i]);
            chars[i] = ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-' ? ch : '_';
        }
        return new string(chars);
    }

    internal static DateTimeOffset FromUnixNano(ulong nanoseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)Math.Min(nanoseconds / 100, (ulong)(DateTimeOffset.MaxValue - DateTimeOffset.UnixEpoch).Ticks));

    internal static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    /// <summary>The first value of each key (a repeated key is a client bug; the first one wins, as in the collector).</summary>
    private static Dictionary<string, AnyValue> Index(RepeatedField<KeyValue>? attributes)
    {
        var index = new Dictionary<string, AnyValue>(attributes?.Count ?? 0, StringComparer.Ordinal);
        if (attributes is null) return index;
        foreach (var kv in attributes)
        {
            if (kv.Value is { ValueCase: not AnyValue.ValueOneofCase.None } value) index.TryAdd(kv.Key, value);
        }
        return index;
    }

    private static AnyValue? First(IReadOnlyDictionary<string, AnyValue> a, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (a.TryGetValue(key, out var value)) return value;
        }
        return null;
    }

    private static string? Text(IReadOnlyDictionary<string, AnyValue> a, string key) =>
        a.TryGetValue(key, out var value) ? Text(value) : null;

    private static string? Text(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue.Length == 0 ? null : value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString("R", CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        _ => null,
    };

    private static long? Whole(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue when value.DoubleValue == Math.Floor(value.DoubleValue) && Math.Abs(value.DoubleValue) < 9e15 => (long)value.DoubleValue,
        AnyValue.ValueOneofCase.StringValue when long.TryParse(value.StringValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static double? Number(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.IntValue => value.IntValue,
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue,
        AnyValue.ValueOneofCase.StringValue when double.TryParse(value.StringValue, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static void CopyText(Utf8JsonWriter w, string field, IReadOnlyDictionary<string, AnyValue> a, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (Text(a, key) is { } text)
            {
                w.WriteString(field, text);
                return;
            }
        }
    }

    private static void CopyNumber(Utf8JsonWriter w, string field, IReadOnlyDictionary<string, AnyValue> a, string key)
    {
        if (a.TryGetValue(key, out var value)) WriteNumber(w, field, value, Number(value));
    }

    /// <summary>A count as a JSON integer; a value that is not one is passed on as text, for the parser to reject by name.</summary>
    private static void WriteCount(Utf8JsonWriter w, string field, AnyValue value)
    {
        if (Whole(value) is { } count) w.WriteNumber(field, count);
        else w.WriteString(field, Text(value) ?? value.ValueCase.ToString());
    }

    private static void WriteNumber(Utf8JsonWriter w, string field, AnyValue value, double? number)
    {
        if (number is { } n && double.IsFinite(n)) w.WriteNumber(field, n);
        else w.WriteString(field, Text(value) ?? value.ValueCase.ToString());
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
