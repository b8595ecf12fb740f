namespace Vigil.Core.Events;

public enum EventType : short
{
    LlmCall = 1,
    BotInteraction = 2,
    Handoff = 3,
    Feedback = 4,
    ToolCall = 5,
    RagRetrieval = 6,
    Message = 7,
}

public static class EventTypes
{
    public static readonly IReadOnlyList<string> Names = ["llm_call", "bot_interaction", "handoff", "feedback", "tool_call", "rag_retrieval", "message"];

    public static string ToName(this EventType type) => type switch
    {
        EventType.LlmCall => "llm_call",
        EventType.BotInteraction => "bot_interaction",
        EventType.Handoff => "handoff",
        EventType.Feedback => "feedback",
        EventType.ToolCall => "tool_call",
        EventType.RagRetrieval => "rag_retrieval",
        EventType.Message => "message",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParse(string? name, out EventType type)
    {
        type = name switch
        {
            "llm_call" => EventType.LlmCall,
            "bot_interaction" => EventType.BotInteraction,
            "handoff" => EventType.Handoff,
            "feedback" => EventType.Feedback,
            "tool_call" => EventType.ToolCall,
            "rag_retrieval" => EventType.RagRetrieval,
            "message" => EventType.Message,
            _ => 0,
        };
        return type != 0;
    }
}

/// <summary>Where an event's cost came from, recorded beside it so costs are visibly right.</summary>
public enum CostSource : short
{
    /// <summary>No model and no reported cost: the event costs nothing.</summary>
    None = 0,
    Reported = 1,
    Computed = 2,
    Unpriced = 3,
}

public static class CostSources
{
    public static string? ToName(this CostSource source) => source switch
    {
        CostSource.Reported => "reported",
        CostSource.Computed => "computed",
        CostSource.Unpriced => "unpriced",
        _ => null,
    };
}
