using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.IntegrationTests.Infrastructure;

public static class Traffic
{
    /// <summary>Log-normal body with a slow tail: how LLM latencies look.</summary>
    public static double HeavyTailedLatency(Random random, double medianMs = 400)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Round(random.NextDouble() < 0.04
            ? 4_000 + (random.NextDouble() * 40_000)
            : medianMs * Math.Exp(0.7 * normal), 2);
    }

    /// <summary>Posts in batches of 1,000 and checks every event was accepted.</summary>
    public static async Task PostAllAsync(HttpClient client, IReadOnlyList<Dictionary<string, object?>> events)
    {
        foreach (var chunk in events.Chunk(1000))
        {
            var response = await client.PostAsync("/api/events", VigilApp.Json(Events.Batch(chunk)));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (!response.IsSuccessStatusCode || body.GetProperty("accepted").GetInt32() + body.GetProperty("duplicates").GetInt32() != chunk.Length)
            {
                throw new InvalidOperationException($"ingest failed: {(int)response.StatusCode} {body}");
            }
        }
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {body}");
        return body;
    }
}
