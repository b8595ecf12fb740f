using System.Diagnostics;
using System.Globalization;
using Vigil.Core.Conversations;

namespace Vigil.Bench;

/// <summary>
/// <c>./bench conversations</c>: scores N conversations of 10 messages each (sentiment, trend, drift,
/// engagement, resolution, handoffs, quality) with <see cref="ConversationScorer"/>, single-threaded as
/// AnalyzeConversations runs it, and states messages per second as the median of the rounds against
/// the 20,000/s target. The baseline in the same run is tokenizing the same messages only, so the
/// ratio says what scoring costs beyond reading the text. Pure CPU: no database involved.
/// </summary>
public static class ConversationsBenchmark
{
    private const double TargetPerSecond = 20_000;

    private static readonly string[] UserLines =
    [
        "Hi, can I book a viewing of the flat on Elm Street this Saturday?",
        "What is the price of the three bedroom house near the park?",
        "This is not helpful at all, I asked about the mortgage rate",
        "Great, that works for me. Is parking available?",
        "The website shows an error when I upload my documents",
        "I am really frustrated, the agent never called me back",
        "Perfect, thank you so much!",
        "Could you send me the floor plan by email?",
    ];

    private static readonly string[] BotLines =
    [
        "Sure! Saturday at 10:00 or 14:00 is available.",
        "The asking price is 450,000 and the seller is open to offers.",
        "I am sorry about that. Let me check the current fixed rates for you.",
        "Yes, there is free parking in front of the building.",
        "Your viewing is scheduled. Is there anything else I can help with?",
        "I understand, I will pass you to a specialist right away.",
        "Glad to help, goodbye!",
    ];

    public static Task<int> RunAsync(int conversations, int rounds)
    {
        var random = new Random(42);
        var t0 = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        var data = new List<ConversationMessage>[conversations];
        var handoffs = new DateTimeOffset[conversations][];
        for (var c = 0; c < conversations; c++)
        {
            var messages = new List<ConversationMessage>(10);
            for (var i = 0; i < 10; i++)
            {
                var user = i % 2 == 0;
                var line = user ? UserLines[random.Next(UserLines.Length)] : BotLines[random.Next(BotLines.Length)];
                messages.Add(new ConversationMessage(t0.AddSeconds(c * 60 + i * 5), user ? MessageRole.User : MessageRole.Bot, line));
            }
            data[c] = messages;
            handoffs[c] = c % 5 == 0 ? [t0.AddSeconds(c * 60 + 22)] : [];
        }
        var total = conversations * 10L;
        Console.WriteLine($"Scoring {conversations:N0} conversations of 10 messages ({total:N0} messages), {rounds} rounds, 1 thread");

        var tokenize = new List<double>();
        var score = new List<double>();
        double checksum = 0;
        for (var r = 0; r < rounds; r++)
        {
            var watch = Stopwatch.StartNew();
            long tokens = 0;
            foreach (var messages in data)
            {
                foreach (var m in messages) tokens += MessageTokens.Of(m.Text).Count;
            }
            tokenize.Add(watch.Elapsed.TotalSeconds);
            checksum += tokens;

            watch.Restart();
            var lexicon = SentimentLexicon.Default;
            for (var c = 0; c < data.Length; c++) checksum += ConversationScorer.Score(data[c], handoffs[c], lexicon).Quality;
            score.Add(watch.Elapsed.TotalSeconds);
        }
        var scoreMedian = Median(score);
        var tokenizeMedian = Median(tokenize);
        var perSecond = total / scoreMedian;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tokenize only (baseline): {total / tokenizeMedian:N0} messages/s (median {tokenizeMedian:F2} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"full scoring: {perSecond:N0} messages/s (median {scoreMedian:F2} s of {string.Join(", ", score.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}), " +
            $"{scoreMedian / tokenizeMedian:F1}× the tokenize-only time; {perSecond / TargetPerSecond:F1}× the 20,000/s target (checksum {checksum:F0})"));
        return Task.FromResult(perSecond >= TargetPerSecond ? 0 : 1);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
