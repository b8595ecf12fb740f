using System.Net;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>The minimal GET /api/conversations/{conversation_id}: events in order, bots, switches, cost, feedback.</summary>
public class ConversationTests
{
    [Fact]
    public async Task A_conversation_lists_its_events_in_order_with_bots_switches_cost_and_feedback()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var t = DateTimeOffset.UtcNow.AddMinutes(-10);
        var events = new List<Dictionary<string, object?>>();
        string[] bots = ["lead_bot", "lead_bot", "buyer_bot", "lead_bot"];
        for (var i = 0; i < bots.Length; i++)
        {
            var e = Events.LlmCall($"cv-{i}", t.AddSeconds(i), bot: bots[i]);
            e["conversation_id"] = "conv-a";
            e["cost_usd"] = 0.25;
            e["tenant_id"] = "acme";
            events.Add(e);
        }
        events.Add(new() { ["event_id"] = "cv-fb", ["type"] = "feedback", ["timestamp"] = Events.Ts(t.AddSeconds(9)), ["bot"] = "lead_bot",
            ["conversation_id"] = "conv-a", ["rating"] = "negative", ["tenant_id"] = "acme" });
        events.Add(Events.LlmCall("other", t, bot: "seller_bot"));
        await Traffic.PostAllAsync(admin, events);

        var body = await Traffic.GetJsonAsync(admin, "/api/conversations/conv-a");
        Assert.Equal("acme", body.GetProperty("tenant_id").GetString());
        Assert.Equal(["lead_bot", "buyer_bot"], body.GetProperty("bots").EnumerateArray().Select(b => b.GetString()));
        Assert.Equal(2, body.GetProperty("agent_switches").GetInt32());
        Assert.Equal(["cv-0", "cv-1", "cv-2", "cv-3", "cv-fb"], body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()));
        Assert.Equal(1.0m, body.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(1, body.GetProperty("feedback").GetProperty("negative").GetInt32());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("analytics").ValueKind);

        using var globex = app.Client(await app.CreateKeyAsync("read", "globex"));
        Assert.Equal(HttpStatusCode.NotFound, (await globex.GetAsync("/api/conversations/conv-a")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/conversations/nobody")).StatusCode);
    }
}
