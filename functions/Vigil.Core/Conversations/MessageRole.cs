namespace Vigil.Core.Conversations;

/// <summary>Who wrote a <c>message</c> event: the user, or the bot answering.</summary>
public enum MessageRole : short
{
    User = 1,
    Bot = 2,
}
