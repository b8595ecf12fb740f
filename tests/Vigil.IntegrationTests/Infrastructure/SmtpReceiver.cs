using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MimeKit;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>A mail as the receiver got it: the envelope, how the session was secured, and the message parsed by MimeKit.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, string Data, bool OverTls, string? SignedInAs)
{
    private MimeMessage Parsed => MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(Data)));

    /// <summary>The plain-text part, decoded.</summary>
    public string Body => Parsed.TextBody ?? "";

    /// <summary>The HTML part, decoded, or null when there is none.</summary>
    public string? Html => Parsed.HtmlBody;

    public string Subject => Parsed.Subject ?? "";

    public string? Header(string name) => Parsed.Headers[name];
}

/// <summary>How the receiver offers TLS.</summary>
public enum SmtpTls
{
    None,

    /// <summary>Offers STARTTLS after EHLO (port 587 style).</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465 style).</summary>
    Implicit,
}

/// <summary>
/// A real SMTP server on loopback (RFC 5321 subset: EHLO/HELO, STARTTLS, AUTH PLAIN and LOGIN, MAIL,
/// RCPT, DATA, RSET, NOOP, QUIT), optionally with TLS on a given certificate and a required sign-in.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ReceivedMail> _mails = [];
    private readonly Lock _lock = new();
    private readonly Task _loop;
    private readonly SmtpTls _tls;
    private readonly X509Certificate2? _certificate;
    private readonly (string User, string Password)? _credentials;

    public SmtpReceiver(SmtpTls tls = SmtpTls.None, X509Certificate2? certificate = null, (string User, string Password)? credentials = null)
    {
        if (tls != SmtpTls.None && certificate is null) throw new ArgumentException("TLS needs a certificate", nameof(certificate));
        _tls = tls;
        _certificate = certificate;
        _credentials = credentials;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = AcceptLoopAsync();
    }

    public int Port { get; }

    /// <summary>Sign-ins the receiver refused.</summary>
    public int RefusedSignIns { get; private set; }

    public IReadOnlyList<ReceivedMail> Mails
    {
        get
        {
            lock (_lock) return [.. _mails];
        }
    }

    public async Task<IReadOnlyList<ReceivedMail>> WaitForAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Mails.Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Mails;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(client);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
                {
                    // The client went away or refused our certificate; that is the test's business.
                }
            });
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        Stream stream = client.GetStream();
        var overTls = false;
        if (_tls == SmtpTls.Implicit)
        {
            stream = await SecureAsync(stream);
            overTls = true;
        }
        var (reader, writer) = Open(stream);
        await writer.WriteLineAsync("220 vigil-test ESMTP ready");
        string? from = null;
        string? user = null;
        var to = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var command = line.Length >= 4 ? line[..4].ToUpperInvariant() : line.ToUpperInvariant();
            switch (command)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-vigil-test");
                    if (_tls == SmtpTls.StartTls && !overTls) await writer.WriteLineAsync("250-STARTTLS");
                    if (_credentials is not null && (overTls || _tls == SmtpTls.None)) await writer.WriteLineAsync("250-AUTH PLAIN LOGIN");
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "HELO":
                    await writer.WriteLineAsync("250 vigil-test");
                    break;
                case "STAR" when line.Equals("STARTTLS", StringComparison.OrdinalIgnoreCase) && _tls == SmtpTls.StartTls && !overTls:
                    await writer.WriteLineAsync("220 Ready to start TLS");
                    stream = await SecureAsync(stream);
                    overTls = true;
                    (reader, writer) = Open(stream);
                    break;
                case "AUTH":
                    user = await SignInAsync(line, reader, writer);
                    break;
                case "MAIL":
                    if (_tls == SmtpTls.StartTls && !overTls)
                    {
                        await writer.WriteLineAsync("530 5.7.0 Must issue a STARTTLS command first");
                        break;
                    }
                    if (_credentials is not null && user is null)
                    {
                        await writer.WriteLineAsync("530 5.7.0 Authentication required");
                        break;
                    }
                    from = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ')[0].Trim(' ', '<', '>');
                    to.Clear();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Split(' ')[0].Trim(' ', '<', '>'));
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                    {
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }
                    lock (_lock) _mails.Add(new ReceivedMail(from ?? "", [.. to], data.ToString(), overTls, user));
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("250 OK");
                    break;
            }
        }
    }

    private async Task<string?> SignInAsync(string line, StreamReader reader, StreamWriter writer)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? user = null;
        string? password = null;
        if (parts.Length >= 2 && parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
        {
            var encoded = parts.Length >= 3 ? parts[2] : await Challenge("");
            var fields = Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split('\0');
            (user, password) = (fields[1], fields[2]);
        }
        else if (parts.Length >= 2 && parts[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
        {
            user = Encoding.UTF8.GetString(Convert.FromBase64String(parts.Length >= 3 ? parts[2] : await Challenge("VXNlcm5hbWU6")));
            password = Encoding.UTF8.GetString(Convert.FromBase64String(await Challenge("UGFzc3dvcmQ6")));
        }
        if (_credentials is { } expected && user == expected.User && password == expected.Password)
        {
            await writer.WriteLineAsync("235 2.7.0 Authentication successful");
            return user;
        }
        RefusedSignIns++;
        await writer.WriteLineAsync("535 5.7.8 Authentication credentials invalid");
        return null;

        async Task<string> Challenge(string prompt)
        {
            await writer.WriteLineAsync("334 " + prompt);
            return await reader.ReadLineAsync() ?? "";
        }
    }

    private async Task<Stream> SecureAsync(Stream inner)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        await tls.AuthenticateAsServerAsync(_certificate!, clientCertificateRequired: false, checkCertificateRevocation: false);
        return tls;
    }

    /// <summary>Latin-1 keeps every byte as one char, so the message's bytes reach MimeKit unchanged.</summary>
    private static (StreamReader, StreamWriter) Open(Stream stream) =>
        (new StreamReader(stream, Encoding.Latin1, false, 4096, leaveOpen: true),
         new StreamWriter(stream, Encoding.ASCII, 4096, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
