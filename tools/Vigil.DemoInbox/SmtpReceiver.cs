using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vigil.DemoInbox;

/// <summary>
/// Just enough SMTP (RFC 5321: HELO/EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; no TLS, no AUTH) on
/// 127.0.0.1 for Vigil's e-mail channel with <c>UseTls=false</c>. Each message is kept, not relayed.
/// </summary>
internal sealed partial class SmtpReceiver(int port, Inbox inbox, ILogger<SmtpReceiver> logger) : BackgroundService
{
    private const int MaxMessageBytes = 1 << 20;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var client = await listener.AcceptTcpClientAsync(stoppingToken);
                _ = Task.Run(() => ServeAsync(client, stoppingToken), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task ServeAsync(TcpClient client, CancellationToken stoppingToken)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        var token = timeout.Token;
        try
        {
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.UTF8);
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 demo-inbox ESMTP Vigil demo inbox (nothing is relayed)".AsMemory(), token);
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(token) is { } line)
            {
                var verb = (line.Length >= 4 ? line[..4] : line).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                    case "HELO":
                        await writer.WriteLineAsync("250 demo-inbox".AsMemory(), token);
                        break;
                    case "MAIL":
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK".AsMemory(), token);
                        break;
                    case "RCPT":
                        recipients.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(' ', '<', '>'));
                        await writer.WriteLineAsync("250 OK".AsMemory(), token);
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>".AsMemory(), token);
                        var message = await ReadDataAsync(reader, token);
                        if (message is null)
                        {
                            await writer.WriteLineAsync("552 Message too large".AsMemory(), token);
                            break;
                        }
                        Keep(message, recipients);
                        await writer.WriteLineAsync("250 OK: kept by the demo inbox".AsMemory(), token);
                        break;
                    case "RSET":
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK".AsMemory(), token);
                        break;
                    case "NOOP":
                        await writer.WriteLineAsync("250 OK".AsMemory(), token);
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye".AsMemory(), token);
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented".AsMemory(), token);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            LogConnectionFailed(logger, e.Message);
        }
    }

    /// <summary>The message up to the lone ".", dot-stuffing undone; null when it passes the size limit.</summary>
    private static async Task<string?> ReadDataAsync(StreamReader reader, CancellationToken token)
    {
        var message = new StringBuilder();
        var tooLarge = false;
        while (await reader.ReadLineAsync(token) is { } line && line != ".")
        {
            if (tooLarge) continue;
            message.Append(line.StartsWith("..", StringComparison.Ordinal) ? line[1..] : line).Append('\n');
            tooLarge = message.Length > MaxMessageBytes;
        }
        return tooLarge ? null : message.ToString();
    }

    private void Keep(string message, List<string> recipients)
    {
        var mail = MailText.Parse(message);
        var subject = mail.Header("Subject") ?? "(no subject)";
        var isBudget = mail.Header("X-Vigil-Budget") is not null;
        var reading = isBudget
            ? new AlertReading("budget", null, null, null, null, null)
            : AlertWords.Read(subject + "\n" + mail.Body) with { AlertId = mail.Header("X-Vigil-Alert") };
        var summary = subject.StartsWith("[Vigil] ", StringComparison.Ordinal) ? subject[8..] : subject;
        if (AlertWords.Condition(mail.Body) is { } condition) summary += ": " + condition;
        inbox.Add("email", reading, summary, $"to {string.Join(", ", recipients)}", message);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "SMTP connection ended early: {Reason}")]
    private static partial void LogConnectionFailed(ILogger logger, string reason);
}
