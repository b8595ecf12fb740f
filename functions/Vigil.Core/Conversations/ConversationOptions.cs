using Microsoft.Extensions.Options;

namespace Vigil.Core.Conversations;

/// <summary>A tenant's own sentiment words (setting <c>Vigil__Conversations__Lexicons__{tenant}__Positive__0</c>, …).</summary>
public sealed class SentimentWords
{
    public List<string> Positive { get; set; } = [];
    public List<string> Negative { get; set; } = [];

    /// <summary>Replace the general English default instead of extending it.</summary>
    public bool ReplaceDefault { get; set; }
}

/// <summary>Section <c>Vigil:Conversations</c>: how <c>AnalyzeConversations</c> scores conversations.</summary>
public sealed class ConversationOptions
{
    public const string Section = "Vigil:Conversations";

    /// <summary>Conversations claimed and scored per transaction; each run loops until none is left.</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Sentiment word lists per tenant id; a tenant not named here uses <see cref="SentimentLexicon.Default"/>.</summary>
    public Dictionary<string, SentimentWords> Lexicons { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The lexicon of <paramref name="tenantId"/>.</summary>
    public SentimentLexicon LexiconFor(string tenantId)
    {
        if (!Lexicons.TryGetValue(tenantId, out var words)) return SentimentLexicon.Default;
        return _built.GetOrAdd(tenantId, _ => SentimentLexicon.From(words.Positive, words.Negative, words.ReplaceDefault));
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SentimentLexicon> _built = new(StringComparer.Ordinal);
}

internal sealed class ConversationOptionsValidator : IValidateOptions<ConversationOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationOptions o)
    {
        var failures = new List<string>();
        if (o.BatchSize is < 1 or > 10_000) failures.Add($"{ConversationOptions.Section}:BatchSize must be between 1 and 10000 (was {o.BatchSize}).");
        foreach (var (tenant, words) in o.Lexicons)
        {
            if (words.ReplaceDefault && (words.Positive.Count == 0 || words.Negative.Count == 0))
            {
                failures.Add($"{ConversationOptions.Section}:Lexicons:{tenant}: ReplaceDefault needs both Positive and Negative words.");
            }
            if (words.Positive.Concat(words.Negative).FirstOrDefault(w => MessageTokens.Of(w) is not [_]) is { } bad)
            {
                failures.Add($"{ConversationOptions.Section}:Lexicons:{tenant}: '{bad}' is not one word (letters, digits, apostrophes).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
