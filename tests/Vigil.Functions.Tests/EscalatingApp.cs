using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Events;
using Vigil.Core.Jobs;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.Functions.Tests;

/// <summary>A level as a receiver got it.</summary>
internal sealed record ReceivedLevel(int Level, string Channel, DateTimeOffset At);

/// <summary>
/// The Functions app composed as Program.cs composes it, over a schema of its own in the real
/// PostgreSQL, with loopback receivers for the webhook and PagerDuty channels and the escalation
/// orchestration in the real Durable runtime. Tests drive it through the app's own functions:
/// EvaluateAlerts (timer) fires and starts, AcknowledgeAlert (HTTP) stops.
/// </summary>
internal sealed class EscalatingApp : IAsyncDisposable
{
    private const string RoutingKey = "R0UTINGKEY0000000000000000000000";

    private EscalatingApp(RecordingServer webhook, RecordingServer pagerDuty, ServiceProvider services, ShiftedTime time, string adminKey)
    {
        Webhook = webhook;
        PagerDuty = pagerDuty;
        Services = services;
        Time = time;
        AdminKey = adminKey;
    }

    public RecordingServer Webhook { get; }

    public RecordingServer PagerDuty { get; }

    public ServiceProvider Services { get; }

    public ShiftedTime Time { get; }

    public string AdminKey { get; }

    public DurableRuntime Durable { get; private set; } = null!;

    public static async Task<EscalatingApp> StartAsync(TimeSpan level2After, TimeSpan level3After, Func<int, int, bool>? failAfterSending = null)
    {
        var webhook = await RecordingServer.StartAsync();
        var pagerDuty = await RecordingServer.StartAsync();
        var adminKey = "admin-" + Guid.NewGuid().ToString("N");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = adminKey,
            ["Vigil:Channels:Webhook:Url"] = webhook.Url,
            ["Vigil:Channels:PagerDuty:Url"] = pagerDuty.Url + "/v2/enqueue",
            ["Vigil:Channels:PagerDuty:RoutingKey"] = RoutingKey,
            ["Vigil:Escalation:Level2After"] = level2After.ToString(),
            ["Vigil:Escalation:Level3After"] = level3After.ToString(),
        }).Build();
        var time = new ShiftedTime();
        var services = FunctionsApp.Services(configuration, first: s => s.AddSingleton<TimeProvider>(time));
        foreach (var hosted in services.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);
        var app = new EscalatingApp(webhook, pagerDuty, services, time, adminKey);
        app.Durable = await DurableRuntime.StartAsync(services, failAfterSending);
        return app;
    }

    /// <summary>Slow full qualifications of lead_bot (SLA P95 2,000 ms), rolled up, then the EvaluateAlerts function.</summary>
    public async Task<Alert> FireSlaViolationAsync()
    {
        var now = Time.GetUtcNow();
        await IngestAsync(Enumerable.Range(0, 40).Select(i =>
            Events.BotInteraction($"slow-{Guid.NewGuid():N}", now.AddSeconds(-i), operation: "full_qualification", durationMs: 3000 + i * 10)));
        await EvaluateAsync();
        var firing = await Alerts.ListAsync(AlertState.Firing, "sla_violation", TenantScope.All, 10, CancellationToken.None);
        return Assert.Single(firing);
    }

    /// <summary>A minute later, enough fast qualifications that P95 is back under target; then EvaluateAlerts.</summary>
    public async Task RecoverAsync()
    {
        Time.Advance(TimeSpan.FromSeconds(61));
        var now = Time.GetUtcNow();
        await IngestAsync(Enumerable.Range(0, 1000).Select(i =>
            Events.BotInteraction($"fast-{Guid.NewGuid():N}", now.AddMilliseconds(-i), operation: "full_qualification", durationMs: 120)));
        await EvaluateAsync();
    }

    /// <summary>The EvaluateAlerts timer function, with the durable client binding.</summary>
    public async Task EvaluateAsync()
    {
        var runner = Services.GetRequiredService<TimerJobRunner>();
        await runner.RunAsync(runner.Find(TimerJobNames.ComputeRollups)!, CancellationToken.None);
        await ActivatorUtilities.CreateInstance<TimerFunctions>(Services).EvaluateAlerts(new TimerInfo(), Durable.Client, CancellationToken.None);
    }

    /// <summary>The AcknowledgeAlert HTTP function, as the Functions host invokes it.</summary>
    public async Task<int> AcknowledgeAsync(Guid alertId, string by)
    {
        var functions = ActivatorUtilities.CreateInstance<HttpFunctions>(Services);
        var request = Request("POST", $"/api/alerts/{alertId}/ack", JsonSerializer.Serialize(new { acknowledged_by = by }));
        var result = await functions.AcknowledgeAlert(request, alertId.ToString(), Durable.Client);
        return Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode!.Value;
    }

    /// <summary>An on-call HTTP function as the Functions host invokes it: its status code.</summary>
    public async Task<int> CallAsync(string method, string path, string? json, Func<OnCallFunctions, HttpRequest, DurableTaskClient, Task<IResult>> call, bool withKey = true)
    {
        var functions = ActivatorUtilities.CreateInstance<OnCallFunctions>(Services);
        var request = Request(method, path, json ?? "");
        if (!withKey) request.Headers.Authorization = default;
        if (json is null)
        {
            request.ContentType = null;
            request.ContentLength = 0;
        }
        var result = await call(functions, request, Durable.Client);
        return Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode!.Value;
    }

    /// <summary>The acknowledge page's form posted, as a phone's browser posts it (no key).</summary>
    public async Task<int> PostAckLinkAsync(string token, string name)
    {
        var functions = ActivatorUtilities.CreateInstance<OnCallFunctions>(Services);
        var request = Request("POST", $"/api/ack/{token}", "name=" + Uri.EscapeDataString(name));
        request.Headers.Authorization = default;
        request.ContentType = "application/x-www-form-urlencoded";
        var result = await functions.AcknowledgeByLink(request, token, Durable.Client);
        return Assert.IsAssignableFrom<IStatusCodeHttpResult>(result).StatusCode!.Value;
    }

    /// <summary>The webhook's triggers, in order of arrival: level, the people they were for, the acknowledge link's token.</summary>
    public IReadOnlyList<(int Level, string[] Recipients, string Token, DateTimeOffset At)> Triggers() =>
    [
        .. Webhook.Received.Select(r => (r, json: r.Json)).Where(x => x.json.GetProperty("event").GetString() == "trigger")
            .Select(x => (x.json.GetProperty("level").GetInt32(),
                x.json.GetProperty("recipients").EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray(),
                x.json.GetProperty("ack_link").GetString()!.Split('/')[^1], x.r.At)),
    ];

    public IAlertStore Alerts => Services.GetRequiredService<IAlertStore>();

    public async Task<Alert> GetAlertAsync(Guid id) => (await Alerts.GetAsync(id, CancellationToken.None))!;

    /// <summary>Escalation levels (not acknowledge/resolve notices) as the receivers got them, in order of arrival.</summary>
    public IReadOnlyList<ReceivedLevel> Levels() =>
    [
        .. Webhook.Received.Select(r => (r, json: r.Json)).Where(x => x.json.GetProperty("event").GetString() == "trigger")
            .Select(x => new ReceivedLevel(x.json.GetProperty("level").GetInt32(), Channels.Webhook, x.r.At))
            .Concat(PagerDuty.Received.Select(r => (r, json: r.Json)).Where(x => x.json.GetProperty("event_action").GetString() == "trigger")
                .Select(x => new ReceivedLevel(x.json.GetProperty("payload").GetProperty("custom_details").GetProperty("level").GetInt32(), Channels.PagerDuty, x.r.At)))
            .OrderBy(l => l.At),
    ];

    public async Task<IReadOnlyList<ReceivedLevel>> WaitForLevelsAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Levels().Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Levels();
    }

    public async ValueTask DisposeAsync()
    {
        await Durable.DisposeAsync();
        await Services.DisposeAsync();
        await Webhook.DisposeAsync();
        await PagerDuty.DisposeAsync();
    }

    private async Task IngestAsync(IEnumerable<Dictionary<string, object?>> events)
    {
        var body = Encoding.UTF8.GetBytes(Events.Batch(events));
        var ingest = await Services.GetRequiredService<EventIngestor>().IngestAsync(body, new IngestCaller(null), CancellationToken.None);
        Assert.Equal(IngestStatus.Stored, ingest.Status);
    }

    private HttpRequest Request(string method, string path, string json)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        context.Request.Method = method;
        context.Request.Path = path;
        context.Request.Headers.Authorization = $"Bearer {AdminKey}";
        context.Request.ContentType = "application/json";
        var body = Encoding.UTF8.GetBytes(json);
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        return context.Request;
    }
}
