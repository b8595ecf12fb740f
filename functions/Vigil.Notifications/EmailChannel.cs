using System.Net.Sockets;

using System.Security.Cryptography;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>
/// E-mail over SMTP with MailKit (what System.Net.Mail's own documentation points new code to):
/// implicit TLS or STARTTLS, any sign-in mechanism the server offers, a timeout on every step, and
/// optionally a pinned server certificate. A text and an HTML part; the configured recipients plus
/// the people the notification is for.
/// </summary>
public sealed class EmailChannel(IOptionsMonitor<ChannelOptions> options) : IChannel
{
    public string Name => Channels.Email;

    public string? OffReason
    {
        get
        {
            var e = options.CurrentValue.Email;
            // Without To, mail still reaches the people an escalation step names.
            return string.IsNullOrWhiteSpace(e.Host) || string.IsNullOrWhiteSpace(e.From)
                ? "Vigil:Channels:Email:Host and From are not both set"
                : null;
        }
    }

    public async Task SendAsync(Notification n, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue.Email;
        using var message = Message(n, settings);
        if (message.To.Count == 0)
        {
            throw new PermanentDeliveryException("email: nobody to send to (Vigil:Channels:Email:To is empty and the notification names no one with an address)");
        }
        using var client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        if (!string.IsNullOrWhiteSpace(settings.ServerCertificateSha256))
        {
            var pinned = settings.ServerCertificateSha256.Replace(":", "", StringComparison.Ordinal);
            client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData())), pinned, StringComparison.OrdinalIgnoreCase);
        }
        try
        {
            await client.ConnectAsync(settings.Host!, settings.Port, SocketOptions(settings), cancellationToken);
            if (!string.IsNullOrEmpty(settings.User)) await client.AuthenticateAsync(settings.User, settings.Password ?? "", cancellationToken);
            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode is >= 400 and < 500)
        {
            throw new TransientDeliveryException($"email: {(int)e.StatusCode} {e.Message}", null, e);
        }
        catch (SmtpCommandException e)
        {
            throw new PermanentDeliveryException($"email: {(int)e.StatusCode} {e.Message}");
        }
        catch (AuthenticationException e)
        {
            throw new PermanentDeliveryException($"email: the server refused the sign-in of '{settings.User}': {e.Message}");
        }
        catch (SslHandshakeException e)
        {
            throw new PermanentDeliveryException($"email: TLS with {settings.Host}:{settings.Port} failed (certificate not trusted?): {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw new PermanentDeliveryException($"email: {e.Message}");
        }
        catch (Exception e) when (e is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or TimeoutException)
        {
            throw new TransientDeliveryException($"email: {e.Message}", null, e);
        }
    }

    internal static SecureSocketOptions SocketOptions(EmailChannelOptions settings) => settings.Security switch
    {
        EmailSecurity.StartTls => SecureSocketOptions.StartTls,
        EmailSecurity.Implicit => SecureSocketOptions.SslOnConnect,
        EmailSecurity.None => SecureSocketOptions.None,
        _ when !settings.UseTls => SecureSocketOptions.None,
        _ => settings.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls,
    };

    internal static MimeMessage Message(Notification n, EmailChannelOptions settings)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From!));
        var to = (n.MailToConfigured ? settings.Recipients : []).Concat(n.Recipients.Select(r => r.Email).OfType<string>()).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var address in to) message.To.Add(MailboxAddress.Parse(address));
        message.Subject = Text.Truncate($"[Vigil] {n.Title}{(n.Status is { } status ? " - " + status : "")}", 250);
        if (n.MailHeader is { } header) message.Headers.Add(header.Name, header.Value);
        var text = new TextPart("plain") { Text = PlainText.Body(n), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        var html = new TextPart("html") { Text = HtmlText.Body(n), ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        message.Body = new MultipartAlternative { text, html };
        return message;
    }
}
