namespace Vigil.Core.Conversations;

/// <summary>
/// The one tokenizer of conversation scoring: lower-case runs of letters, digits and apostrophes
/// (a typographic apostrophe reads as <c>'</c>), so "Don’t" and "don't" are the same token. No regex:
/// the benchmark scores a million messages with it.
/// </summary>
public static class MessageTokens
{
    public static List<string> Of(string text)
    {
        var tokens = new List<string>(Math.Min(64, text.Length / 4 + 1));
        Span<char> buffer = stackalloc char[64];
        var length = 0;
        var overflow = false;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetterOrDigit(c) || c == '\'' || c == '\u2019')
            {
                if (length < buffer.Length) buffer[length++] = c == '\u2019' ? '\'' : char.ToLowerInvariant(c);
                else overflow = true;
                continue;
            }
            if (length > 0)
            {
                var token = buffer[..length].Trim('\'');
                // Longer than 64 characters is no word of any list: kept truncated, still a term for drift.
                if (token.Length > 0) tokens.Add(overflow ? new string(token) + "…" : new string(token));
                length = 0;
                overflow = false;
            }
        }
        return tokens;
    }
}
