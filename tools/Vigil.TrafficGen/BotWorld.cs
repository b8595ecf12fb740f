using System.Globalization;

namespace Vigil.TrafficGen;

/// <summary>
/// Three bots of a real-estate assistant, as the seed write-ups describe them: lead_bot qualifies
/// leads and hands off to buyer_bot or seller_bot. Latencies are log-normal around the SLA targets
/// with a slow tail. Two incidents repeat every ten minutes so that alerts show up: lead_bot has a slow
/// spell in minute 7 (SLA violations), and buyer_bot's provider fails a third of its calls in minutes 1
/// and 2, long enough for the critical <c>high_error_rate</c> rule to fire and stay firing through
/// every escalation level of <c>./run --demo</c> (levels at 0, 1 and 2 minutes).
/// </summary>
internal sealed class BotWorld(Random random)
{
    private sealed record Operation(string Name, double MedianMs, double Sigma);

    private sealed record Bot(string Name, string Model, string Provider, Operation[] Operations);

    private static readonly Bot[] Bots =
    [
        new("lead_bot", "claude-sonnet-4-5", "anthropic", [new("full_qualification", 420, 0.55), new("process", 260, 0.5), new("handoff", 45, 0.45)]),
        new("buyer_bot", "gpt-4o-mini", "openai", [new("full_qualification", 650, 0.5), new("process", 330, 0.5), new("handoff", 45, 0.45)]),
        new("seller_bot", "gemini-2.5-flash", "google", [new("full_qualification", 560, 0.5), new("process", 320, 0.5), new("handoff", 45, 0.45)]),
    ];

    private static readonly string[] Tools = ["crm_lookup", "property_search", "calendar_booking", "mortgage_calculator"];
    private readonly DemoConversations _conversations = new(random);
    private long _sequence;
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public Random Random => random;

    public bool LeadBotDegraded(TimeSpan sinceStart) => (int)sinceStart.TotalMinutes % 10 == 7;

    public bool BuyerBotFailing(TimeSpan sinceStart) => (int)sinceStart.TotalMinutes % 10 is 1 or 2;

    public IEnumerable<Dictionary<string, object?>> NextInteraction(DateTimeOffset now, TimeSpan sinceStart)
    {
        var bot = Pick(Bots, [0.5, 0.25, 0.25]);
        var operation = Pick(bot.Operations, [0.25, 0.65, 0.10]);
        var conversation = $"conv-{_run}-{random.Next(5_000)}";
        var user = $"user-{random.Next(2_000)}";
        var slowSpell = bot.Name == "lead_bot" && LeadBotDegraded(sinceStart);
        var failing = bot.Name == "buyer_bot" && BuyerBotFailing(sinceStart);
        var at = now.AddMilliseconds(-random.Next(0, 1000));
        var total = 0.0;

        var calls = operation.Name == "handoff" ? 1 : random.Next(1, 4);
        for (var c = 0; c < calls; c++)
        {
            var latency = LogNormal(operation.MedianMs / calls, operation.Sigma) * (slowSpell ? 4.5 : 1) * (random.NextDouble() < 0.02 ? 3 + (random.NextDouble() * 5) : 1);
            total += latency;
            var error = failing && random.NextDouble() < 0.35 ? "server_error"
                : random.NextDouble() < 0.025 ? Pick(["rate_limit", "timeout", "server_error"], [0.4, 0.4, 0.2]) : null;
            var input = random.Next(400, 6000);
            var cached = random.NextDouble() < 0.6 ? (int)(input * random.Next(30, 90) / 100.0) : 0;
            var model = random.NextDouble() < 0.01 ? "in-house-ranker" : bot.Model;
            yield return Event("llm_call", bot.Name, operation.Name, at, conversation, user, new()
            {
                ["duration_ms"] = Math.Round(latency, 1),
                ["ttft_ms"] = Math.Round(latency * (0.15 + (random.NextDouble() * 0.25)), 1),
                ["model"] = model,
                ["provider"] = bot.Provider,
                ["input_tokens"] = input,
                ["cached_input_tokens"] = cached,
                ["output_tokens"] = error is null ? random.Next(60, 900) : 0,
                ["cache_hit"] = cached > 0,
                ["success"] = error is null,
                ["error_type"] = error,
            });
        }

        if (random.NextDouble() < 0.35)
        {
            var tool = Tools[random.Next(Tools.Length)];
            var ok = random.NextDouble() > 0.04;
            yield return Event("tool_call", bot.Name, operation.Name, at, conversation, user, new()
            {
                ["tool_name"] = tool,
                ["duration_ms"] = Math.Round(LogNormal(120, 0.6), 1),
                ["success"] = ok,
                ["error_type"] = ok ? null : "timeout",
            });
        }
        if (random.NextDouble() < 0.4)
        {
            var ok = random.NextDouble() > 0.02;
            yield return Event("rag_retrieval", bot.Name, operation.Name, at, conversation, user, new()
            {
                ["duration_ms"] = Math.Round(LogNormal(85, 0.5), 1),
                ["success"] = ok,
                ["error_type"] = ok ? null : "index_unavailable",
            });
        }
        if (bot.Name == "lead_bot" && operation.Name == "handoff")
        {
            var target = random.NextDouble() < 0.55 ? "buyer_bot" : "seller_bot";
            // Below the 5% of handoff_failure, which should fire on an incident, not on ordinary traffic.
            var blocked = random.NextDouble() < 0.012;
            yield return Event("handoff", bot.Name, "handoff", at, conversation, user, new()
            {
                ["target_bot"] = target,
                ["duration_ms"] = Math.Round(LogNormal(40, 0.4), 1),
                ["blocked"] = blocked,
                ["success"] = !blocked && random.NextDouble() > 0.005,
            });
        }

        // What was said: the next exchange of the conversation's script, a few milliseconds apart so the order is clear.
        var step = 0;
        foreach (var (role, text, answering, handoffAfter, target) in _conversations.Next(conversation, bot.Name))
        {
            yield return Event("message", answering, "chat", at.AddMilliseconds(++step), conversation, user, new() { ["role"] = role, ["text"] = text });
            if (handoffAfter)
            {
                yield return Event("handoff", answering, "handoff", at.AddMilliseconds(++step), conversation, user, new()
                {
                    ["target_bot"] = target,
                    ["duration_ms"] = Math.Round(LogNormal(40, 0.4), 1),
                    ["success"] = true,
                });
            }
        }

        var degraded = random.NextDouble() < (slowSpell ? 0.3 : 0.05);
        yield return Event("bot_interaction", bot.Name, operation.Name, at, conversation, user, new()
        {
            ["duration_ms"] = Math.Round(total, 1),
            ["quality_score"] = Math.Round(Math.Clamp(0.93 - (degraded ? 0.25 : 0) + (Normal() * 0.05), 0, 1), 3),
            ["degraded"] = degraded,
            ["degradation_reason"] = degraded ? "fallback_model" : null,
        });
        if (random.NextDouble() < 0.3)
        {
            yield return Event("feedback", bot.Name, operation.Name, at, conversation, user, new()
            {
                ["rating"] = random.NextDouble() < (slowSpell ? 0.6 : 0.84) ? "positive" : "negative",
            });
        }
    }

    private Dictionary<string, object?> Event(string type, string bot, string operation, DateTimeOffset at, string conversation, string user, Dictionary<string, object?> fields)
    {
        var e = new Dictionary<string, object?>
        {
            ["event_id"] = $"demo-{_run}-{Interlocked.Increment(ref _sequence)}",
            ["type"] = type,
            ["timestamp"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["bot"] = bot,
            ["operation"] = operation,
            ["conversation_id"] = conversation,
            ["user_id"] = user,
        };
        foreach (var (k, v) in fields)
        {
            if (v is not null) e[k] = v;
        }
        return e;
    }

    private T Pick<T>(T[] items, double[] weights)
    {
        var r = random.NextDouble() * weights.Sum();
        for (var i = 0; i < items.Length; i++)
        {
            r -= weights[i];
            if (r <= 0) return items[i];
        }
        return items[^1];
    }

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private double LogNormal(double median, double sigma) => median * Math.Exp(sigma * Normal());
}
