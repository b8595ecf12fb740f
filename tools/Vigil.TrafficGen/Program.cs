using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.TrafficGen;

// usage: Vigil.TrafficGen [--url http://localhost:7071] [--key KEY] [--rate 5] [--seconds 0]
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

var url = Arg("url", Environment.GetEnvironmentVariable("VIGIL_URL") ?? "http://localhost:7071");
var key = Arg("key", Environment.GetEnvironmentVariable("VIGIL_ADMIN_KEY") ?? "");
var rate = double.Parse(Arg("rate", "5"), CultureInfo.InvariantCulture);
var seconds = int.Parse(Arg("seconds", "0"), CultureInfo.InvariantCulture);
if (key.Length == 0)
{
    Console.Error.WriteLine("Give an ingest or admin key with --key or VIGIL_ADMIN_KEY.");
    return 2;
}

using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
if (seconds > 0) stop.CancelAfter(TimeSpan.FromSeconds(seconds));

var world = new BotWorld(new Random());
var started = DateTimeOffset.UtcNow;
var nextBatch = started.AddSeconds(20);
long sent = 0, accepted = 0, failures = 0;
var lastReport = DateTimeOffset.UtcNow;
Console.WriteLine($"Playing lead_bot, buyer_bot and seller_bot against {url} at about {rate} interactions/s (Ctrl+C stops).");
while (!stop.IsCancellationRequested)
{
    var tick = DateTimeOffset.UtcNow;
    var batch = new List<Dictionary<string, object?>>();
    var interactions = Poisson(world.Random, rate);
    for (var i = 0; i < interactions; i++) batch.AddRange(world.NextInteraction(tick, tick - started));
    if (batch.Count > 0)
    {
        try
        {
            using var content = new StringContent(JsonSerializer.Serialize(batch), Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/api/events", content, stop.Token);
            sent += batch.Count;
            if (response.IsSuccessStatusCode || (int)response.StatusCode == 207)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(stop.Token));
                accepted += body.RootElement.GetProperty("accepted").GetInt32();
            }
            else
            {
                failures++;
                Console.Error.WriteLine($"POST /api/events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(stop.Token)}");
            }
        }
        catch (HttpRequestException e)
        {
            failures++;
            Console.Error.WriteLine($"Vigil unreachable: {e.Message}");
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            break;
        }
    }
    if (DateTimeOffset.UtcNow >= nextBatch)
    {
        nextBatch = DateTimeOffset.UtcNow.AddMinutes(2);
        try
        {
            Console.WriteLine($"[demo] {await BatchRun.PlayAsync(http, world, stop.Token)}");
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"Batch run failed: {e.Message}");
        }
    }
    if (DateTimeOffset.UtcNow - lastReport > TimeSpan.FromSeconds(30))
    {
        lastReport = DateTimeOffset.UtcNow;
        var incident = world.BuyerBotFailing(tick - started) ? " - buyer_bot's provider is failing a third of its calls"
            : world.LeadBotDegraded(tick - started) ? " - lead_bot is having a slow spell" : "";
        Console.WriteLine($"[demo] {sent:N0} events sent, {accepted:N0} accepted, {failures} failed requests{incident}");
    }
    var wait = TimeSpan.FromSeconds(1) - (DateTimeOffset.UtcNow - tick);
    if (wait > TimeSpan.Zero)
    {
        try
        {
            await Task.Delay(wait, stop.Token);
        }
        catch (OperationCanceledException)
        {
            break;
        }
    }
}
Console.WriteLine($"[demo] stopped: {sent:N0} events sent, {accepted:N0} accepted.");
return 0;

static int Poisson(Random random, double mean)
{
    // Knuth's method is fine for the small means a demo uses.
    var limit = Math.Exp(-Math.Min(mean, 500));
    var k = 0;
    var p = 1.0;
    do
    {
        k++;
        p *= random.NextDouble();
    }
    while (p > limit);
    return k - 1;
}
