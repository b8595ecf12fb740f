using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Vigil.TrafficGen;

/// <summary>
/// The nightly-summaries batch job of the runbook: asks Vigil whether it may run, summarises a few
/// dozen listings (LLM calls attributed to the run), and reports what it did and what it cost.
/// </summary>
internal static class BatchRun
{
    private const string Job = "nightly-summaries";
    private static bool _registered;

    public static async Task<string> PlayAsync(HttpClient http, BotWorld world, CancellationToken cancellationToken)
    {
        if (!_registered)
        {
            using var register = await http.PutAsync($"/api/batch-jobs/{Job}", Json("""{"description":"Summarises the day's listings for the morning digest"}"""), cancellationToken);
            _registered = register.IsSuccessStatusCode;
        }
        var items = world.Random.Next(20, 60);
        using var start = await http.PostAsync($"/api/batch-jobs/{Job}/runs", Json($$"""{"estimated_cost_usd":{{(items * 0.012).ToString("0.00", CultureInfo.InvariantCulture)}}}"""), cancellationToken);
        if (start.StatusCode == (HttpStatusCode)423)
        {
            var problem = await start.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return $"{Job} is locked: {problem.GetProperty("detail").GetString()}";
        }
        start.EnsureSuccessStatusCode();
        var runId = (await start.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("run_id").GetString()!;

        var events = new List<Dictionary<string, object?>>();
        var failed = 0;
        for (var i = 0; i < items; i++)
        {
            // A run is only ~50 calls: at 3% failures high_error_rate (5%, 20 samples) fired on chance alone.
            var ok = world.Random.NextDouble() > 0.01;
            if (!ok) failed++;
            events.Add(new Dictionary<string, object?>
            {
                ["event_id"] = $"{runId}-{i}",
                ["type"] = "llm_call",
                ["timestamp"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["bot"] = "summary_bot",
                ["operation"] = "summarise_listing",
                ["model"] = "gpt-4o-mini",
                ["duration_ms"] = Math.Round(900 + (world.Random.NextDouble() * 2500), 1),
                ["input_tokens"] = world.Random.Next(3000, 9000),
                ["output_tokens"] = world.Random.Next(200, 600),
                ["success"] = ok,
                ["batch_run_id"] = runId,
            });
        }
        using (var ingest = await http.PostAsync("/api/events", Json(JsonSerializer.Serialize(events)), cancellationToken)) ingest.EnsureSuccessStatusCode();
        using var complete = await http.PostAsync($"/api/batch-jobs/{Job}/runs/{runId}/complete",
            Json($$"""{"succeeded":{{items - failed}},"failed":{{failed}},"cost_usd":0}"""), cancellationToken);
        complete.EnsureSuccessStatusCode();
        return $"{Job} run {runId[..8]}: {items - failed}/{items} listings summarised";
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
