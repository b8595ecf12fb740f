using System.Net;
using System.Text.Json;
using Vigil.DemoInbox;

// usage: Vigil.DemoInbox [--port 7080] [--smtp-port 2525 (0: none)] [--webhook-secret S] [--keep 500]
// Listens on 127.0.0.1 only: it is a demo receiver, not a relay.
var builder = WebApplication.CreateSlimBuilder(args);
var port = builder.Configuration.GetValue("port", 7080);
var smtpPort = builder.Configuration.GetValue("smtp-port", 2525);
var secret = builder.Configuration.GetValue<string?>("webhook-secret", null);
var keep = builder.Configuration.GetValue("keep", 500);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(sp => new Inbox(keep, sp.GetRequiredService<TimeProvider>()));
if (smtpPort > 0)
{
    builder.Services.AddHostedService(sp => new SmtpReceiver(smtpPort, sp.GetRequiredService<Inbox>(), sp.GetRequiredService<ILogger<SmtpReceiver>>()));
}

var app = builder.Build();
var inbox = app.Services.GetRequiredService<Inbox>();
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
{
    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
};
var smtp = smtpPort > 0 ? $"127.0.0.1:{smtpPort}" : "off";

app.MapGet("/health", () => Results.Text("ok"));
app.MapGet("/notifications", () => Results.Json(new { total = inbox.Total, notifications = inbox.Recent().Reverse() }, json));
app.MapGet("/", (HttpRequest request) => request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase)
    ? Results.Json(new { total = inbox.Total, notifications = inbox.Recent().Reverse() }, json)
    : Results.Content(InboxPage.Render(inbox, smtp), "text/html; charset=utf-8"));
app.MapReceivers(inbox, secret);

await app.StartAsync();
Console.WriteLine($"[inbox] demo inbox on http://127.0.0.1:{port}/ - Slack {Receivers.SlackPath}, webhook {Receivers.WebhookPath}"
    + $"{(string.IsNullOrEmpty(secret) ? "" : " (signature checked)")}, PagerDuty /v2/enqueue, Opsgenie /v2/alerts, SMTP {smtp}");
await app.WaitForShutdownAsync();
