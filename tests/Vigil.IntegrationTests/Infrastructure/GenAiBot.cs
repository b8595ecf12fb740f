using System.Diagnostics;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>
/// Spans as an instrumented bot makes them with System.Diagnostics (what the OpenTelemetry .NET SDK
/// exports): a chat call with tokens, a tool call, an agent invocation, a failed chat in the
/// deprecated attribute names, and a plain HTTP span that is no GenAI operation. Times are set, so
/// durations are exact.
/// </summary>
public static class GenAiBot
{
    public static readonly ActivitySource Source = new("Vigil.IntegrationTests.GenAiBot");

    /// <summary>Creates the five spans of one trace (the agent span is the parent); returns their end.</summary>
    public static void RunConversation(DateTimeOffset start, string conversationId)
    {
        using var agent = Span("invoke_agent Buyer Bot", ActivityKind.Internal, start, 2500, null,
            ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "Buyer Bot"), ("gen_ai.conversation.id", conversationId));
        Span("chat gpt-4o", ActivityKind.Client, start.AddMilliseconds(10), 1500, null,
            ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.usage.input_tokens", 1200L), ("gen_ai.usage.output_tokens", 300L), ("gen_ai.usage.cache_read.input_tokens", 200L),
            ("gen_ai.response.time_to_first_chunk", 0.25), ("gen_ai.conversation.id", conversationId))!.Dispose();
        Span("execute_tool search_listings", ActivityKind.Internal, start.AddMilliseconds(1600), 200, null,
            ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "search_listings"))!.Dispose();
        Span("GET /listings", ActivityKind.Client, start.AddMilliseconds(1650), 100, null,
            ("http.request.method", "GET"), ("url.full", "http://listings.local/listings"))!.Dispose();
        Span("chat gpt-4o", ActivityKind.Client, start.AddMilliseconds(1900), 400, "rate_limit",
            ("gen_ai.operation.name", "chat"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o"),
            ("gen_ai.usage.prompt_tokens", 500L), ("error.type", "rate_limit"))!.Dispose();
    }

    private static Activity? Span(string name, ActivityKind kind, DateTimeOffset start, double durationMs, string? error,
        params (string Key, object Value)[] tags)
    {
        var activity = Source.StartActivity(name, kind);
        if (activity is null) throw new InvalidOperationException("No listener sampled the span: is the tracer provider built?");
        activity.SetStartTime(start.UtcDateTime);
        foreach (var (key, value) in tags) activity.SetTag(key, value);
        if (error is not null) activity.SetStatus(ActivityStatusCode.Error, error);
        activity.SetEndTime(start.AddMilliseconds(durationMs).UtcDateTime);
        return activity;
    }
}
