using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Core.Conversations;
using Vigil.Core.Pricing;

namespace Vigil.Core.Events;

/// <summary>One rejected item of a batch: its index, its event_id when readable, and why.</summary>
public sealed record ItemError(int Index, string? EventId, string Message);

/// <summary>
/// What the parser needs to know about the request beyond the JSON itself. With
/// <paramref name="Prices"/> each valid event is priced, so its cost is checked against
/// <see cref="IngestOptions.MaxEventCostUsd"/> with the item's other problems.
/// </summary>
public readonly record struct ParseContext(DateTimeOffset Now, string DefaultTenant, IngestOptions Limits, PriceTable? Prices = null);

/// <summary>The valid events of a batch (with their indexes) and the rejected ones.</summary>
public sealed class ParsedBatch
{
    public int Received { get; init; }
    public List<(int Index, TelemetryEvent Event)> Valid { get; } = [];
    public List<ItemError> Errors { get; } = [];
}

/// <summary>
/// Validates telemetry items field by field against the contract. Every problem of an item is
/// reported (joined in one message), so a bot author fixes them in one round. Unknown fields are
/// rejected rather than dropped: a misspelt "cache_hits" silently ignored would skew metrics.
/// OpenTelemetry GenAI attribute names are understood as aliases, at the top level and inside
/// <c>attributes</c>.
/// </summary>
public static partial class EventParser
{
    private enum F
    {
        EventId, Type, Timestamp, TenantId, Bot, Operation, ConversationId, TraceId, UserId, DurationMs,
        Success, ErrorType, CacheHit, Provider, Model, InputTokens, OutputTokens, CachedInputTokens, CostUsd,
        TtftMs, TargetBot, Blocked, Rating, ToolName, QualityScore, Degraded, DegradationReason, BatchJob,
        BatchRunId, Role, Text, Attributes,
    }

    private const int FieldCount = (int)F.Attributes + 1;

    /// <summary>The longest <c>text</c> of a <c>message</c> event, in characters (UTF-16 code units).</summary>
    public const int MaxMessageText = 8000;

    /// <summary>Longer than any real call; keeps latency sums far from overflow.</summary>
    public const double MaxLatencyMs = 1e9;

    private static readonly FrozenDictionary<string, F> Fields = new Dictionary<string, F>
    {
        ["event_id"] = F.EventId, ["type"] = F.Type, ["timestamp"] = F.Timestamp, ["tenant_id"] = F.TenantId,
        ["bot"] = F.Bot, ["operation"] = F.Operation, ["conversation_id"] = F.ConversationId,
        ["trace_id"] = F.TraceId, ["user_id"] = F.UserId, ["duration_ms"] = F.DurationMs, ["success"] = F.Success,
        ["error_type"] = F.ErrorType, ["cache_hit"] = F.CacheHit, ["provider"] = F.Provider, ["model"] = F.Model,
        ["input_tokens"] = F.InputTokens, ["output_tokens"] = F.OutputTokens,
        ["cached_input_tokens"] = F.CachedInputTokens, ["cost_usd"] = F.CostUsd, ["ttft_ms"] = F.TtftMs,
        ["target_bot"] = F.TargetBot, ["blocked"] = F.Blocked, ["rating"] = F.Rating, ["tool_name"] = F.ToolName,
        ["quality_score"] = F.QualityScore, ["degraded"] = F.Degraded, ["degradation_reason"] = F.DegradationReason,
        ["batch_job"] = F.BatchJob, ["batch_run_id"] = F.BatchRunId, ["role"] = F.Role, ["text"] = F.Text,
        ["attributes"] = F.Attributes,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>OpenTelemetry GenAI semantic-convention names accepted in place of our own.</summary>
    private static readonly FrozenDictionary<string, F> OtelAliases = new Dictionary<string, F>
    {
        ["gen_ai.request.model"] = F.Model,
        ["gen_ai.provider.name"] = F.Provider,
        ["gen_ai.system"] = F.Provider,
        ["gen_ai.usage.input_tokens"] = F.InputTokens,
        ["gen_ai.usage.output_tokens"] = F.OutputTokens,
        ["gen_ai.usage.cache_read.input_tokens"] = F.CachedInputTokens,
        ["gen_ai.operation.name"] = F.Operation,
        ["gen_ai.conversation.id"] = F.ConversationId,
        ["error.type"] = F.ErrorType,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Names that only fill a field from <c>attributes</c> when nothing better is there.</summary>
    private static readonly FrozenDictionary<string, F> OtelFallbacks = new Dictionary<string, F>
    {
        ["gen_ai.response.model"] = F.Model,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static string NameOf(F f) => f switch
    {
        F.EventId => "event_id", F.Type => "type", F.Timestamp => "timestamp", F.TenantId => "tenant_id",
        F.Bot => "bot", F.Operation => "operation", F.ConversationId => "conversation_id", F.TraceId => "trace_id",
        F.UserId => "user_id", F.DurationMs => "duration_ms", F.Success => "success", F.ErrorType => "error_type",
        F.CacheHit => "cache_hit", F.Provider => "provider", F.Model => "model", F.InputTokens => "input_tokens",
        F.OutputTokens => "output_tokens", F.CachedInputTokens => "cached_input_tokens", F.CostUsd => "cost_usd",
        F.TtftMs => "ttft_ms", F.TargetBot => "target_bot", F.Blocked => "blocked", F.Rating => "rating",
        F.ToolName => "tool_name", F.QualityScore => "quality_score", F.Degraded => "degraded",
        F.DegradationReason => "degradation_reason", F.BatchJob => "batch_job", F.BatchRunId => "batch_run_id",
        F.Role => "role", F.Text => "text", F.Attributes => "attributes", _ => f.ToString(),
    };

    [GeneratedRegex("^[a-z0-9_.-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    /// <summary>Parses the root of a request body: one object, or an array of objects.</summary>
    public static ParsedBatch Parse(JsonElement root, in ParseContext context)
    {
        if (root.ValueKind == JsonValueKind.Object)
        {
            var single = new ParsedBatch { Received = 1 };
            ParseItem(root, 0, context, single);
            return single;
        }
        var batch = new ParsedBatch { Received = root.GetArrayLength() };
        var index = 0;
        foreach (var item in root.EnumerateArray())
        {
            ParseItem(item, index++, context, batch);
        }
        return batch;
    }

    private static void ParseItem(JsonElement item, int index, in ParseContext context, ParsedBatch into)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            into.Errors.Add(new ItemError(index, null, $"item must be a JSON object, not {Describe(item.ValueKind)}"));
            return;
        }
        // Text PostgreSQL cannot store fails this item only, before any field is read (reading one
        // would throw for text that is not valid UTF-8).
        if (StorableText.FindIn(item) is { } unstorable)
        {
            into.Errors.Add(new ItemError(index, ReadableEventId(item), unstorable.ToString()));
            return;
        }
        var reader = new ItemReader(context);
        reader.Collect(item);
        var ev = reader.Build();
        if (ev is null || reader.Problems.Count > 0)
        {
            into.Errors.Add(new ItemError(index, reader.EventIdForReport, string.Join("; ", reader.Problems)));
        }
        else
        {
            into.Valid.Add((index, ev));
        }
    }

    private static string? ReadableEventId(JsonElement item) =>
        item.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String
            && StorableText.TryRead(id, out var text) && StorableText.Problem(text) is null
            ? Truncate(text!)
            : null;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    /// <summary>Collects one item's fields into slots, then validates each slot.</summary>
    private ref struct ItemReader
    {
        private readonly ParseContext _context;
        private readonly JsonElement[] _slots;
        private readonly string?[] _slotNames;

        public ItemReader(ParseContext context)
        {
            _context = context;
            _slots = new JsonElement[FieldCount];
            _slotNames = new string?[FieldCount];
            Problems = [];
            EventIdForReport = null;
        }

        public List<string> Problems { get; }

        public string? EventIdForReport { get; private set; }

        public void Collect(JsonElement item)
        {
            foreach (var property in item.EnumerateObject())
            {
                if (Fields.TryGetValue(property.Name, out var field) || OtelAliases.TryGetValue(property.Name, out field))
                {
                    Put(field, property.Name, property.Value);
                }
                else
                {
                    Problems.Add($"unknown field '{Truncate(property.Name)}'");
                }
            }
            // OpenTelemetry names inside attributes fill fields the item did not set itself.
            if (Has(F.Attributes) && _slots[(int)F.Attributes].ValueKind == JsonValueKind.Object)
            {
                foreach (var attribute in _slots[(int)F.Attributes].EnumerateObject())
                {
                    if ((OtelAliases.TryGetValue(attribute.Name, out var field) || OtelFallbacks.TryGetValue(attribute.Name, out field))
                        && !Has(field) && attribute.Value.ValueKind != JsonValueKind.Null)
                    {
                        _slots[(int)field] = attribute.Value;
                        _slotNames[(int)field] = "attributes." + attribute.Name;
                    }
                }
            }
        }

        private readonly bool Has(F field) => _slotNames[(int)field] is not null;

        private void Put(F field, string name, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.Null) return;
            var i = (int)field;
            if (_slotNames[i] is { } earlier)
            {
                if (!JsonElement.DeepEquals(_slots[i], value))
                {
                    Problems.Add($"{earlier} and {name} disagree; send one of them");
                }
                return;
            }
            _slots[i] = value;
            _slotNames[i] = name;
        }

        public TelemetryEvent? Build()
        {
            var limits = _context.Limits;
            var eventId = Text(F.EventId, 128, required: true);
            EventIdForReport = eventId ?? RawEventId();

            EventType type = 0;
            if (!Has(F.Type))
            {
                Problems.Add("type is required (one of " + string.Join(", ", EventTypes.Names) + ")");
            }
            else if (_slots[(int)F.Type].ValueKind != JsonValueKind.String || !EventTypes.TryParse(_slots[(int)F.Type].GetString(), out type))
            {
                Problems.Add($"type must be one of {string.Join(", ", EventTypes.Names)} (got {Show(F.Type)})");
            }

            var timestamp = Timestamp(limits);
            var tenant = Text(F.TenantId, 64) ?? _context.DefaultTenant;
            var bot = Name(F.Bot, required: true);
            var operation = Text(F.Operation, 64);
            var conversationId = Text(F.ConversationId, 128);
            var traceId = Text(F.TraceId, 128);
            var userId = Text(F.UserId, 128);
            var duration = NonNegative(F.DurationMs);
            var success = Bool(F.Success) ?? true;
            var errorType = Text(F.ErrorType, 64);
            var cacheHit = Bool(F.CacheHit);
            var provider = Text(F.Provider, 128);
            var model = Text(F.Model, 128);
            var inputTokens = Count(F.InputTokens);
            var outputTokens = Count(F.OutputTokens);
            var cachedInputTokens = Count(F.CachedInputTokens);
            var cost = NonNegative(F.CostUsd);
            var ttft = NonNegative(F.TtftMs);
            var targetBot = Name(F.TargetBot, required: false);
            var blocked = Bool(F.Blocked);
            var rating = Rating();
            var toolName = Text(F.ToolName, 128);
            var quality = NonNegative(F.QualityScore);
            var degraded = Bool(F.Degraded);
            var degradationReason = Text(F.DegradationReason, 512);
            var batchJob = Name(F.BatchJob, required: false);
            var batchRunId = Text(F.BatchRunId, 128);
            var attributes = Attributes(limits.MaxAttributes);
            var role = Role();
            var text = MessageText();

            if (quality is > 1) Problems.Add($"quality_score must be between 0 and 1 (got {Show(F.QualityScore)})");
            if (duration is > MaxLatencyMs) Problems.Add($"duration_ms {Show(F.DurationMs)} is not a plausible latency (at most {MaxLatencyMs:0} ms, 11.6 days)");
            if (ttft is > MaxLatencyMs) Problems.Add($"ttft_ms {Show(F.TtftMs)} is not a plausible latency (at most {MaxLatencyMs:0} ms, 11.6 days)");
            if (cachedInputTokens is { } cached && inputTokens is { } input && cached > input)
            {
                Problems.Add($"cached_input_tokens ({cached}) cannot exceed input_tokens ({input}): cached tokens are part of the input");
            }
            if (cost is { } reported && reported > (double)limits.MaxEventCostUsd)
            {
                Problems.Add($"cost_usd {Show(F.CostUsd)} is more than one event may cost: {CostLimit(limits)}");
            }

            if (type != 0)
            {
                var typeName = type.ToName();
                if (type is not (EventType.Feedback or EventType.Message) && !Has(F.DurationMs)) Problems.Add($"duration_ms is required for {typeName} events");
                if (type == EventType.LlmCall && !Has(F.Model)) Problems.Add("model is required for llm_call events");
                if (type == EventType.Handoff && !Has(F.TargetBot)) Problems.Add("target_bot is required for handoff events");
                if (type == EventType.Feedback && !Has(F.Rating)) Problems.Add("rating is required for feedback events (positive or negative)");
                if (type == EventType.ToolCall && !Has(F.ToolName)) Problems.Add("tool_name is required for tool_call events");
                if (type == EventType.Message)
                {
                    if (!Has(F.ConversationId)) Problems.Add("conversation_id is required for message events");
                    if (!Has(F.Text)) Problems.Add("text is required for message events");
                }
                else
                {
                    // Text is only ever stored where its retention applies.
                    if (Has(F.Text)) Problems.Add($"text is only for message events, not {typeName}");
                    if (Has(F.Role)) Problems.Add($"role is only for message events, not {typeName}");
                }
            }

            if (Problems.Count > 0 || eventId is null || bot is null || timestamp is null || type == 0) return null;

            var ev = new TelemetryEvent
            {
                EventId = eventId,
                Type = type,
                Timestamp = timestamp.Value,
                TenantId = tenant,
                Bot = bot,
                Operation = operation,
                ConversationId = conversationId,
                TraceId = traceId,
                UserId = userId,
                DurationMs = duration,
                Success = success,
                ErrorType = errorType,
                CacheHit = cacheHit,
                Provider = provider,
                Model = model,
                InputTokens = inputTokens,
                OutputTokens = outputTokens,
                CachedInputTokens = cachedInputTokens,
                ReportedCostUsd = cost is { } c ? (decimal)c : null,
                TtftMs = ttft,
                TargetBot = targetBot,
                Blocked = blocked,
                PositiveRating = rating,
                ToolName = toolName,
                QualityScore = quality,
                Degraded = degraded,
                DegradationReason = degradationReason,
                BatchJob = batchJob,
                BatchRunId = batchRunId,
                AttributesJson = attributes,
                Role = type == EventType.Message ? role ?? MessageRole.User : null,
                Text = type == EventType.Message ? text : null,
            };
            if (_context.Prices is { } prices)
            {
                prices.Apply(ev);
                if (ev.CostUsd > limits.MaxEventCostUsd)
                {
                    Problems.Add($"its cost computed from the tokens at {ev.Model}'s price, ${ev.CostUsd:0.##}, is more than one event " +
                        $"may cost: {CostLimit(limits)}; check input_tokens and output_tokens, or report cost_usd");
                    return null;
                }
            }
            return ev;
        }

        private static string CostLimit(IngestOptions limits) =>
            $"the limit is ${limits.MaxEventCostUsd:0.##} (setting {IngestOptions.Section}:MaxEventCostUsd)";

        private readonly string? RawEventId()
        {
            var slot = _slots[(int)F.EventId];
            return Has(F.EventId) && slot.ValueKind == JsonValueKind.String ? Truncate(slot.GetString() ?? "") : null;
        }

        private readonly string Show(F field)
        {
            var raw = _slots[(int)field].GetRawText();
            return Truncate(raw);
        }

        private readonly string Label(F field) => _slotNames[(int)field] ?? NameOf(field);

        private string? Text(F field, int maxLength, bool required = false)
        {
            if (!Has(field))
            {
                if (required) Problems.Add($"{NameOf(field)} is required");
                return null;
            }
            var slot = _slots[(int)field];
            if (slot.ValueKind != JsonValueKind.String)
            {
                Problems.Add($"{Label(field)} must be a string, not {Describe(slot.ValueKind)}");
                return null;
            }
            var value = slot.GetString()!;
            if (value.Length == 0)
            {
                Problems.Add($"{Label(field)} must not be empty");
                return null;
            }
            if (value.Length > maxLength)
            {
                Problems.Add($"{Label(field)} must be at most {maxLength} characters (got {value.Length})");
                return null;
            }
            if (value.AsSpan().ContainsAnyInRange('\0', '\u001f'))
            {
                Problems.Add($"{Label(field)} must not contain control characters");
                return null;
            }
            return value;
        }

        private string? Name(F field, bool required)
        {
            var value = Text(field, 64, required);
            if (value is not null && !NamePattern().IsMatch(value))
            {
                Problems.Add($"{Label(field)} must use only lower-case letters, digits, '_', '.' and '-' (got '{Truncate(value)}')");
                return null;
            }
            return value;
        }

        private bool? Bool(F field)
        {
            if (!Has(field)) return null;
            var slot = _slots[(int)field];
            if (slot.ValueKind is JsonValueKind.True or JsonValueKind.False) return slot.GetBoolean();
            Problems.Add($"{Label(field)} must be true or false, not {Describe(slot.ValueKind)}");
            return null;
        }

        private double? NonNegative(F field)
        {
            if (!Has(field)) return null;
            var slot = _slots[(int)field];
            if (slot.ValueKind != JsonValueKind.Number || !slot.TryGetDouble(out var value) || !double.IsFinite(value))
            {
                Problems.Add($"{Label(field)} must be a number, not {(slot.ValueKind == JsonValueKind.Number ? Show(field) : Describe(slot.ValueKind))}");
                return null;
            }
            if (value < 0)
            {
                Problems.Add($"{Label(field)} must be 0 or more (got {Show(field)})");
                return null;
            }
            return value;
        }

        private long? Count(F field)
        {
            if (!Has(field)) return null;
            var slot = _slots[(int)field];
            if (slot.ValueKind != JsonValueKind.Number || !slot.TryGetInt64(out var value))
            {
                Problems.Add($"{Label(field)} must be a whole number, not {(slot.ValueKind == JsonValueKind.Number ? Show(field) : Describe(slot.ValueKind))}");
                return null;
            }
            if (value < 0)
            {
                Problems.Add($"{Label(field)} must be 0 or more (got {value})");
                return null;
            }
            if (value > _context.Limits.MaxTokensPerEvent)
            {
                Problems.Add($"{Label(field)} {value} is more than one event may report: the limit is " +
                    $"{_context.Limits.MaxTokensPerEvent:N0} tokens (setting {IngestOptions.Section}:MaxTokensPerEvent)");
                return null;
            }
            return value;
        }

        private bool? Rating()
        {
            if (!Has(F.Rating)) return null;
            var slot = _slots[(int)F.Rating];
            var text = slot.ValueKind == JsonValueKind.String ? slot.GetString() : null;
            switch (text)
            {
                case "positive": return true;
                case "negative": return false;
                default:
                    Problems.Add($"rating must be \"positive\" or \"negative\" (got {Show(F.Rating)})");
                    return null;
            }
        }

        private MessageRole? Role()
        {
            if (!Has(F.Role)) return null;
            var slot = _slots[(int)F.Role];
            switch (slot.ValueKind == JsonValueKind.String ? slot.GetString() : null)
            {
                case "user": return MessageRole.User;
                case "bot": return MessageRole.Bot;
                default:
                    Problems.Add($"role must be \"user\" or \"bot\" (got {Show(F.Role)})");
                    return null;
            }
        }

        /// <summary>
        /// Message text: line breaks and tabs are fine, other control characters are not. Problems name
        /// its length only, never its content (error messages reach logs and clients).
        /// </summary>
        private string? MessageText()
        {
            if (!Has(F.Text)) return null;
            var slot = _slots[(int)F.Text];
            if (slot.ValueKind != JsonValueKind.String)
            {
                Problems.Add($"text must be a string, not {Describe(slot.ValueKind)}");
                return null;
            }
            var value = slot.GetString()!;
            if (value.Length == 0)
            {
                Problems.Add("text must not be empty");
                return null;
            }
            if (value.Length > MaxMessageText)
            {
                Problems.Add($"text must be at most {MaxMessageText} characters (got {value.Length})");
                return null;
            }
            foreach (var c in value)
            {
                if (c < ' ' && c is not ('\n' or '\r' or '\t'))
                {
                    Problems.Add("text must not contain control characters other than line breaks and tabs");
                    return null;
                }
            }
            return value;
        }

        private DateTimeOffset? Timestamp(IngestOptions limits)
        {
            if (!Has(F.Timestamp))
            {
                Problems.Add("timestamp is required (RFC 3339, e.g. 2026-01-31T12:00:00Z)");
                return null;
            }
            var slot = _slots[(int)F.Timestamp];
            var text = slot.ValueKind == JsonValueKind.String ? slot.GetString()! : null;
            if (text is null || !Rfc3339().IsMatch(text) || !TryParseRfc3339(text, out var ts))
            {
                Problems.Add($"timestamp must be an RFC 3339 date-time with a time zone, e.g. 2026-01-31T12:00:00Z (got {Show(F.Timestamp)})");
                return null;
            }
            var now = _context.Now;
            if (ts < now - limits.MaxEventAge)
            {
                Problems.Add($"timestamp {text} is older than the {DurationText.Format(limits.MaxEventAge)} limit for ingestion");
                return null;
            }
            if (ts > now + limits.MaxFutureSkew)
            {
                Problems.Add($"timestamp {text} is {DurationText.Format(ts - now)} in the future; at most {DurationText.Format(limits.MaxFutureSkew)} ahead is accepted (check the bot's clock)");
                return null;
            }
            return ts.ToUniversalTime();
        }

        private string? Attributes(int maxAttributes)
        {
            if (!Has(F.Attributes)) return null;
            var slot = _slots[(int)F.Attributes];
            if (slot.ValueKind != JsonValueKind.Object)
            {
                Problems.Add($"attributes must be an object, not {Describe(slot.ValueKind)}");
                return null;
            }
            var count = 0;
            var ok = true;
            foreach (var attribute in slot.EnumerateObject())
            {
                count++;
                if (attribute.Name.Length is 0 or > 128)
                {
                    Problems.Add($"attribute names must be 1 to 128 characters (got '{Truncate(attribute.Name)}')");
                    ok = false;
                }
                else if (attribute.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                {
                    Problems.Add($"attribute '{Truncate(attribute.Name)}' must be a string or a number, not {Describe(attribute.Value.ValueKind)}");
                    ok = false;
                }
                else if (attribute.Value.ValueKind == JsonValueKind.String && attribute.Value.GetString()!.Length > 4096)
                {
                    Problems.Add($"attribute '{Truncate(attribute.Name)}' is longer than 4096 characters");
                    ok = false;
                }
                else if (attribute.Value.ValueKind == JsonValueKind.Number && !IsStorableNumber(attribute.Value))
                {
                    Problems.Add($"attribute '{Truncate(attribute.Name)}' must be a number a double can hold " +
                        $"(got {Truncate(attribute.Value.GetRawText())})");
                    ok = false;
                }
            }
            if (count > maxAttributes)
            {
                Problems.Add($"attributes may hold at most {maxAttributes} values (got {count})");
                ok = false;
            }
            return ok ? slot.GetRawText() : null;
        }
    }

    /// <summary>
    /// Attributes are stored as jsonb, whose numbers are PostgreSQL numerics: 1e200000, 1e-20000 and
    /// even 0e-99999 overflow them, and a double cannot read the first two back either. A finite double
    /// that is zero only when its text is (no underflow), in at most 64 characters with an exponent
    /// within ±400, is always storable.
    /// </summary>
    private static bool IsStorableNumber(JsonElement number)
    {
        var raw = number.GetRawText();
        if (raw.Length > 64 || !number.TryGetDouble(out var value) || !double.IsFinite(value)) return false;
        var e = raw.IndexOfAny(['e', 'E']);
        if (e >= 0 && !(int.TryParse(raw.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent)
            && exponent is >= -400 and <= 400))
        {
            return false;
        }
        return value != 0 || !(e < 0 ? raw : raw[..e]).Any(c => c is >= '1' and <= '9');
    }

    private static bool TryParseRfc3339(string text, out DateTimeOffset value)
    {
        // .NET reads at most 7 fractional digits; RFC 3339 allows more, and PostgreSQL keeps 6.
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            if (end - dot - 1 > 7) text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out value);
    }

    private static string Truncate(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
