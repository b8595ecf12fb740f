using System.Globalization;
using Vigil.Core.Conversations;
using Vigil.Core.Pricing;

namespace Vigil.Core.Tests;

/// <summary>
/// The defaults a user reads in docs/ — the sentiment and stop-word lists of docs/conversations.md, the
/// price table of docs/cost-and-batch.md — are what the code does, word by word and row by row.
/// </summary>
public class DocumentedDefaultsTests
{
    private static string Conversations => RepositoryDocs.Read("conversations.md");

    [Fact]
    public void Every_documented_positive_word_scores_a_message_plus_one_and_nothing_else_does()
    {
        var words = RepositoryDocs.WordList(Conversations, "Positive");
        var lexicon = SentimentLexicon.From(null, null, replace: false);
        Assert.All(words, w => Assert.Equal(1, lexicon.Score(MessageTokens.Of($"it was {w}"))));
        Assert.Equal(words.Count, SentimentLexicon.DefaultPositive.Count);
    }

    [Fact]
    public void Every_documented_negative_word_scores_a_message_minus_one_and_nothing_else_does()
    {
        var words = RepositoryDocs.WordList(Conversations, "Negative");
        var lexicon = SentimentLexicon.From(null, null, replace: false);
        Assert.All(words, w => Assert.Equal(-1, lexicon.Score(MessageTokens.Of($"it was {w}"))));
        Assert.Equal(words.Count, SentimentLexicon.DefaultNegative.Count);
        Assert.Equal(words.Count + RepositoryDocs.WordList(Conversations, "Positive").Count, lexicon.Count);
    }

    [Fact]
    public void Every_documented_negator_flips_the_word_after_it()
    {
        var words = RepositoryDocs.WordList(Conversations, "Negators");
        Assert.All(words, w => Assert.Equal(-1, SentimentLexicon.Default.Score([w, "helpful"])));
        Assert.Equal(words.Count, SentimentLexicon.Negators.Count);
    }

    [Fact]
    public void Every_documented_intensifier_strengthens_the_word_after_it()
    {
        // "bad, bad, <intensifier> good": (−1 − 1 + 1.5) / 3, where "bad, bad, good" is −1/3.
        var words = RepositoryDocs.WordList(Conversations, "Intensifiers");
        Assert.All(words, w => Assert.Equal(-0.5 / 3, SentimentLexicon.Default.Score(["bad", "bad", w, "good"]), 12));
        Assert.Equal(words.Count, SentimentLexicon.Intensifiers.Count);
    }

    [Fact]
    public void Documented_stop_words_carry_no_topic_between_the_halves()
    {
        // The halves share only the stop word: without it they have nothing in common, drift 1.
        var words = RepositoryDocs.WordList(Conversations, "Stop words of topic drift");
        Assert.All(words.Where(w => w.Length >= 2), w => Assert.Equal(1, TopicDrift.Between([[w, "mortgage"]], [[w, "weather"]])));
        Assert.Equal(words.Count, TopicDrift.StopWords.Count);
    }

    [Fact]
    public void Every_documented_default_price_is_the_price_of_its_model()
    {
        var rows = RepositoryDocs.Table(RepositoryDocs.Read("cost-and-batch.md"), "## Default prices");
        var table = new PriceTable(new PricingOptions().Effective());
        Assert.All(rows, r => Assert.Equal(
            new ModelPrice(decimal.Parse(r[1], CultureInfo.InvariantCulture), decimal.Parse(r[2], CultureInfo.InvariantCulture), decimal.Parse(r[3], CultureInfo.InvariantCulture)),
            table.Find(r[0])));
        Assert.Equal(rows.Count, DefaultPrices.Table.Count);
    }
}
