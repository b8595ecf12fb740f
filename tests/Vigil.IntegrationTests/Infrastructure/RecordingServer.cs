using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>A request the receiver got.</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body, DateTimeOffset At)
{
    public string Text => Encoding.UTF8.GetString(Body);
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A real HTTP server on loopback that records what arrives and answers as scripted (a queue of
/// status codes and headers; 202 when the script runs out), standing in for Slack, a webhook
/// receiver, PagerDuty or Opsgenie.
/// </summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, Dictionary<string, string> Headers, TimeSpan Delay)> _script = new();
    private readonly List<ReceivedRequest> _received = [];
    private readonly Lock _lock = new();

    private RecordingServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<RecordingServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var port = FreePort();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var server = new RecordingServer(app, $"http://127.0.0.1:{port}");
        app.Run(server.HandleAsync);
        await app.StartAsync();
        return server;
    }

    /// <summary>The next replies, in order (e.g. 503, 503, then the default 202).</summary>
    public void Reply(int status, TimeSpan? delay = null, params (string Name, string Value)[] headers) =>
        _script.Enqueue((status, headers.ToDictionary(h => h.Name, h => h.Value), delay ?? TimeSpan.Zero));

    public IReadOnlyList<ReceivedRequest> Received
    {
        get
        {
            lock (_lock) return [.. _received];
        }
    }

    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(int count, TimeSpan timeout, Func<ReceivedRequest, bool>? where = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var matching = Received.Where(where ?? (_ => true)).ToList();
            if (matching.Count >= count || DateTime.UtcNow > deadline) return matching;
            await Task.Delay(50);
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        lock (_lock) _received.Add(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray(), DateTimeOffset.UtcNow));
        var (status, replyHeaders, delay) = _script.TryDequeue(out var next) ? next : (202, [], TimeSpan.Zero);
        if (delay > TimeSpan.Zero) await Task.Delay(delay);
        context.Response.StatusCode = status;
        foreach (var (name, value) in replyHeaders) context.Response.Headers[name] = value;
        await context.Response.WriteAsync(status < 300 ? "{\"status\":\"ok\"}" : "{\"error\":\"scripted failure\"}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
