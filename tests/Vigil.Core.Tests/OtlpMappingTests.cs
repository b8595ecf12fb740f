using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Vigil.Otlp;
using Vigil.Otlp.Proto.Collector;
using Vigil.Otlp.Proto.Common;
using Vigil.Otlp.Proto.Resource;
using Vigil.Otlp.Proto.Trace;

namespace Vigil.Core.Tests;

public class OtlpMappingTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    private static ulong Nanos(DateTimeOffset t) => (ulong)(t - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static Span GenAiSpan(string name, params (string Key, object Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString("5b8efff798038103d269b633813fc60c")),
            SpanId = ByteString.CopyFrom(Convert.FromHexString("eee19b7ec3c1b174")),
            Name = name,
            StartTimeUnixNano = Nanos(Start),
            EndTimeUnixNano = Nanos(Start.AddMilliseconds(1500)),
        };
        foreach (var (key, value) in attributes) span.Attributes.Add(Attribute(key, value));
        return span;
    }

    private static KeyValue Attribute(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string s => new AnyValue { StringValue = s },
            int i => new AnyValue { IntValue = i },
            long l => new AnyValue { IntValue = l },
            double d => new AnyValue { DoubleValue = d },
            bool b => new AnyValue { BoolValue = b },
            _ => throw new ArgumentException(value.GetType().Name),
        },
    };

    private static ExportTraceServiceRequest Request(string? serviceName, params Span[] spans)
    {
        var resource = new Resource();
        if (serviceName is not null) resource.Attributes.Add(Attribute("service.name", serviceName));
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "test" } };
        scope.Spans.AddRange(spans);
        var resourceSpans = new ResourceSpans { Resource = resource };
        resourceSpans.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(resourceSpans);
        return request;
    }

    private static JsonElement[] Items(ExportTraceServiceRequest request, out SpanBatch batch)
    {
        batch = GenAiSpanMapper.Map(request);
        return [.. JsonDocument.Parse(batch.EventsJson.WrittenMemory).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    [Fact]
    public void A_chat_span_becomes_an_llm_call_with_the_ids_times_and_usage_of_the_span()
    {
        var item = Assert.Single(Items(Request("Lead Bot", GenAiSpan("chat gpt-4o",
            ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.usage.input_tokens", 1200), ("gen_ai.usage.output_tokens", 300),
            ("gen_ai.usage.cache_read.input_tokens", 200), ("gen_ai.response.time_to_first_chunk", 0.25),
            ("gen_ai.conversation.id", "conv-1"))), out _));

        Assert.Equal("5b8efff798038103d269b633813fc60ceee19b7ec3c1b174", item.GetProperty("event_id").GetString());
        Assert.Equal("5b8efff798038103d269b633813fc60c", item.GetProperty("trace_id").GetString());
        Assert.Equal("llm_call", item.GetProperty("type").GetString());
        Assert.Equal("lead_bot", item.GetProperty("bot").GetString());
        Assert.Equal("chat", item.GetProperty("operation").GetString());
        Assert.Equal("2026-03-02T10:00:00.0000000Z", item.GetProperty("timestamp").GetString());
        Assert.Equal(1500, item.GetProperty("duration_ms").GetDouble());
        Assert.True(item.GetProperty("success").GetBoolean());
        Assert.Equal("openai", item.GetProperty("provider").GetString());
        Assert.Equal("gpt-4o", item.GetProperty("model").GetString());
        Assert.Equal(1200, item.GetProperty("input_tokens").GetInt64());
        Assert.Equal(300, item.GetProperty("output_tokens").GetInt64());
        Assert.Equal(200, item.GetProperty("cached_input_tokens").GetInt64());
        Assert.Equal(250, item.GetProperty("ttft_ms").GetDouble());
        Assert.Equal("conv-1", item.GetProperty("conversation_id").GetString());
        Assert.Equal("chat gpt-4o", item.GetProperty("attributes").GetProperty("otel.span_name").GetString());
    }

    [Fact]
    public void Deprecated_and_library_spellings_of_provider_tokens_and_cache_are_read()
    {
        var items = Items(Request("svc",
            GenAiSpan("openllmetry", ("llm.request.type", "chat"), ("gen_ai.system", "anthropic"), ("gen_ai.request.model", "claude-3-5-sonnet"),
                ("gen_ai.usage.prompt_tokens", 900), ("gen_ai.usage.completion_tokens", 100), ("gen_ai.usage.cache_read_input_tokens", 400)),
            GenAiSpan("openinference", ("openinference.span.kind", "LLM"), ("llm.model_name", "gpt-4o-mini"), ("llm.provider", "openai"),
                ("llm.token_count.prompt", 50L), ("llm.token_count.completion", 5L), ("llm.token_count.prompt_details.cache_read", 20L))), out _);

        Assert.Equal(("llm_call", "anthropic", 900L, 100L, 400L), (items[0].GetProperty("type").GetString(), items[0].GetProperty("provider").GetString(),
            items[0].GetProperty("input_tokens").GetInt64(), items[0].GetProperty("output_tokens").GetInt64(), items[0].GetProperty("cached_input_tokens").GetInt64()));
        Assert.Equal(("llm_call", "gpt-4o-mini", "openai", 50L, 5L, 20L), (items[1].GetProperty("type").GetString(), items[1].GetProperty("model").GetString(),
            items[1].GetProperty("provider").GetString(), items[1].GetProperty("input_tokens").GetInt64(),
            items[1].GetProperty("output_tokens").GetInt64(), items[1].GetProperty("cached_input_tokens").GetInt64()));
    }

    [Fact]
    public void Cached_tokens_are_part_of_the_input_and_only_added_to_it_when_a_library_left_them_out()
    {
        var items = Items(Request("svc",
            GenAiSpan("inclusive", ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "m"),
                ("gen_ai.usage.input_tokens", 1000), ("gen_ai.usage.cache_read.input_tokens", 800)),
            GenAiSpan("exclusive", ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "m"),
                ("gen_ai.usage.input_tokens", 100), ("gen_ai.usage.cache_read.input_tokens", 800))), out _);

        Assert.Equal(1000, items[0].GetProperty("input_tokens").GetInt64());
        Assert.Equal(900, items[1].GetProperty("input_tokens").GetInt64());
        Assert.Equal(800, items[1].GetProperty("cached_input_tokens").GetInt64());
    }

    [Fact]
    public void Tool_agent_retrieval_and_error_spans_map_to_their_types_and_other_spans_are_counted_as_unmapped()
    {
        var error = GenAiSpan("chat", ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o"));
        error.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "429" };
        error.Events.Add(new Span.Types.Event { Name = "exception", Attributes = { Attribute("exception.type", "openai.RateLimitError") } });
        var timeout = GenAiSpan("chat", ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o"), ("error.type", "timeout"));
        timeout.Status = new Status { Code = Status.Types.StatusCode.Error };
        var items = Items(Request(null,
            GenAiSpan("execute_tool search_listings", ("gen_ai.operation.name", "execute_tool")),
            GenAiSpan("invoke_agent", ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "Buyer Bot")),
            GenAiSpan("query", ("db.system.name", "qdrant")),
            error,
            timeout,
            GenAiSpan("GET /api/listings", ("http.request.method", "GET")),
            GenAiSpan("create_agent", ("gen_ai.operation.name", "create_agent"))), out var batch);

        Assert.Equal(["tool_call", "bot_interaction", "rag_retrieval", "llm_call", "llm_call"], items.Select(i => i.GetProperty("type").GetString()));
        Assert.Equal("search_listings", items[0].GetProperty("tool_name").GetString());
        Assert.Equal("unknown_service", items[0].GetProperty("bot").GetString());
        Assert.Equal("buyer_bot", items[1].GetProperty("bot").GetString());
        Assert.False(items[3].GetProperty("success").GetBoolean());
        Assert.Equal("rate_limit", items[3].GetProperty("error_type").GetString());
        Assert.Equal("timeout", items[4].GetProperty("error_type").GetString());
        Assert.Equal(7, batch.Spans);
        Assert.Equal(2, batch.Unmapped);
        Assert.Equal(["GET /api/listings", "create_agent"], batch.UnmappedExamples);
    }

    [Fact]
    public void Time_to_first_token_comes_from_the_first_chunk_event_when_no_attribute_gives_it()
    {
        var span = GenAiSpan("chat", ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o"));
        span.Events.Add(new Span.Types.Event { Name = "gen_ai.content.completion.chunk", TimeUnixNano = Nanos(Start.AddMilliseconds(320)) });
        span.Events.Add(new Span.Types.Event { Name = "gen_ai.content.completion.chunk", TimeUnixNano = Nanos(Start.AddMilliseconds(900)) });

        Assert.Equal(320, Assert.Single(Items(Request("svc", span), out _)).GetProperty("ttft_ms").GetDouble());
    }

    [Theory]
    [InlineData("Lead Bot", "lead_bot")]
    [InlineData("unknown_service:dotnet", "unknown_service_dotnet")]
    [InlineData("buyer-bot.v2", "buyer-bot.v2")]
    [InlineData("  Seller/Bot  ", "seller_bot")]
    [InlineData("", "unknown_service")]
    public void Service_and_agent_names_are_normalised_to_bot_names(string name, string bot) =>
        Assert.Equal(bot, GenAiSpanMapper.BotName(name));

    [Fact]
    public void Long_names_are_cut_to_the_64_characters_a_bot_name_may_have() =>
        Assert.Equal(new string('a', 64), GenAiSpanMapper.BotName(new string('A', 100)));

    [Fact]
    public void Otlp_json_with_hex_ids_camel_case_string_int64_and_integer_enums_decodes_like_protobuf()
    {
        var json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"lead-bot"}}]},
              "scopeSpans":[{"scope":{"name":"manual"},"spans":[{
                "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"",
                "name":"chat","kind":3,"startTimeUnixNano":"1772445600000000000","endTimeUnixNano":"1772445601500000000",
                "attributes":[{"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                              {"key":"gen_ai.usage.input_tokens","value":{"intValue":"42"}}],
                "status":{"code":2},"someFutureField":{"x":1}}]}]}]}
            """;
        var request = OtlpTraceReader.ReadJson(Encoding.UTF8.GetBytes(json));
        var span = request.ResourceSpans[0].ScopeSpans[0].Spans[0];

        Assert.Equal("5b8efff798038103d269b633813fc60c", GenAiSpanMapper.Hex(span.TraceId));
        Assert.Equal("eee19b7ec3c1b174", GenAiSpanMapper.Hex(span.SpanId));
        Assert.True(span.ParentSpanId.IsEmpty);
        Assert.Equal(Span.Types.SpanKind.Client, span.Kind);
        Assert.Equal(Status.Types.StatusCode.Error, span.Status.Code);
        Assert.Equal(42, span.Attributes[1].Value.IntValue);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), GenAiSpanMapper.FromUnixNano(span.StartTimeUnixNano));
        Assert.Equal(request, OtlpTraceReader.ReadProtobuf(request.ToByteArray()));
    }

    [Theory]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"not-hex"}]}]}]}""", "not a hex trace or span id")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":5}]}]}]}""", "OTLP JSON")]
    [InlineData("""{"resourceSpans":""", "not valid JSON")]
    public void Malformed_otlp_json_is_refused_with_a_reason(string json, string reason)
    {
        var e = Assert.Throws<OtlpFormatException>(() => OtlpTraceReader.ReadJson(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_protobuf_are_refused() =>
        Assert.Throws<OtlpFormatException>(() => OtlpTraceReader.ReadProtobuf([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]));
}
