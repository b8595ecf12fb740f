using System.Diagnostics;
using System.Text.Json;

namespace Vigil.Bench;

/// <summary>Times a GET of the API: a few warm-up requests (JIT, plans, caches), then the median of the timed ones.</summary>
internal static class ApiTimer
{
    public static async Task<(double Milliseconds, JsonElement Body)> TimeGetAsync(HttpClient http, string url, int repeats, int warmups = 2)
    {
        JsonElement body = default;
        for (var i = 0; i < warmups; i++) body = await GetAsync(http, url);
        var times = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            body = await GetAsync(http, url);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        return (Median(times), body);
    }

    public static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<JsonElement> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
