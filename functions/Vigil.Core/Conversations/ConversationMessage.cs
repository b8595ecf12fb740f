namespace Vigil.Core.Conversations;

/// <summary>One message of a conversation as the scorer sees it: when, who, and the text.</summary>
public readonly record struct ConversationMessage(DateTimeOffset Timestamp, MessageRole Role, string Text);
