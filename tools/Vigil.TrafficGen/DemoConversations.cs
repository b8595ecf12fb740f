namespace Vigil.TrafficGen;

/// <summary>
/// Message exchanges for the demo's conversations, so AnalyzeConversations has something to score on
/// <c>./run --demo</c>: each conversation follows one script (resolved, declining, drifting, handed off
/// and resolved, handed off and abandoned), one user/bot exchange per interaction, in order.
/// </summary>
internal sealed class DemoConversations(Random random)
{
    /// <summary>A script: user/bot exchanges; <c>Handoff</c> marks the exchange after which lead_bot hands off.</summary>
    private sealed record Script(string Name, (string User, string Bot)[] Exchanges, int Handoff = -1, string? Target = null);

    private static readonly Script[] Scripts =
    [
        new("resolved", [
            ("Hi, can I book a viewing of the flat on Elm Street this Saturday?", "Sure! Saturday at 10:00 or 14:00 is available for the Elm Street flat."),
            ("14:00 would be great. Is parking available near the flat?", "Yes, there is free parking in front. Your viewing is scheduled for Saturday 14:00."),
            ("Perfect, thank you so much, that was really helpful!", "Glad to help. Goodbye!"),
        ]),
        new("declining", [
            ("Thanks for the quick reply about the house on Oak Road", "Happy to help with the Oak Road house."),
            ("The tracking page for my offer shows an error", "I am sorry, the offer is stuck in review."),
            ("This is terrible and frustrating, nobody called me back", "I understand, I will raise it."),
        ]),
        new("drifting", [
            ("What are the mortgage rates for a fixed mortgage?", "Fixed mortgage rates start at four percent for five years."),
            ("Also, which schools are near the station?", "Two primary schools are within a mile of the station."),
            ("And is there a gym or swimming pool nearby?", "There is a leisure centre with a pool on the high street."),
        ]),
        new("handoff-resolved", [
            ("I want to sell my house and buy a smaller flat", "Let me pass you to our seller specialist."),
            ("Hi, how much could my three bedroom house be worth?", "Similar houses sold for around 420,000 this year. I can value it this week."),
            ("Great, please book the valuation for Tuesday", "Your valuation is scheduled for Tuesday at 11:00."),
            ("Perfect, thank you!", "You are welcome, goodbye!"),
        ], Handoff: 0, Target: "seller_bot"),
        new("handoff-abandoned", [
            ("I need a mortgage for a first home", "Let me pass you to our buyer specialist."),
            ("Hello? Which documents do you need from me?", "Could you tell me your budget first?"),
            ("This is too slow, I asked a simple question", "Sorry, what is your budget?"),
        ], Handoff: 0, Target: "buyer_bot"),
    ];

    private readonly Dictionary<string, (Script Script, int Next)> _conversations = new(StringComparer.Ordinal);

    /// <summary>
    /// The next exchange of <paramref name="conversation"/>'s script (nothing once it is over): the user's
    /// message, the bot's answer, and after the handoff exchange the target bot answers from then on.
    /// Returns the bot that should answer and whether a handoff follows this exchange.
    /// </summary>
    public IEnumerable<(string Role, string Text, string Bot, bool HandoffAfter, string? Target)> Next(string conversation, string bot)
    {
        if (!_conversations.TryGetValue(conversation, out var state))
        {
            if (_conversations.Count > 20_000) _conversations.Clear();
            state = (Scripts[random.Next(Scripts.Length)], 0);
        }
        if (state.Next >= state.Script.Exchanges.Length) yield break;
        var script = state.Script;
        var (user, answer) = script.Exchanges[state.Next];
        var answering = script.Target is not null && state.Next > script.Handoff ? script.Target : script.Target is not null ? "lead_bot" : bot;
        _conversations[conversation] = (script, state.Next + 1);
        yield return ("user", user, answering, false, null);
        yield return ("bot", answer, answering, state.Next == script.Handoff, script.Target);
    }
}
