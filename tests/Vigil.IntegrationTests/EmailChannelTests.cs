using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Core.Alerts;
using Vigil.Core.Notifications;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.Notifications;

namespace Vigil.IntegrationTests;

/// <summary>E-mail through MailKit against a real SMTP server on loopback: STARTTLS and implicit TLS on a self-signed certificate, sign-in, refusals.</summary>
public sealed class EmailChannelTests
{
    private static Notification Mail(params Recipient[] recipients) => AlertNotification.Build(
        new AlertMessage(NotificationSamples.Alert, 1, NotificationKind.Trigger, "http://vigil.test/api/alerts/x/ack")
        {
            AckLink = "http://vigil.test/api/ack/tok3n",
            Recipients = recipients,
        });

    private static async Task<DeliveryResult> SendAsync(SmtpReceiver smtp, Dictionary<string, string?> extra, Notification? notification = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Vigil:Channels:Email:Host"] = "127.0.0.1",
            ["Vigil:Channels:Email:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Vigil:Channels:Email:From"] = "vigil@example.test",
            ["Vigil:Channels:Email:To"] = "oncall@example.test",
            ["Vigil:Notifications:MaxRetries"] = "0",
        };
        foreach (var (k, v) in extra) settings[k] = v;
        await using var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(TimeProvider.System)
            .AddVigilNotifications(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();
        return await services.GetRequiredService<NotificationDispatcher>().SendAsync("email", notification ?? Mail(), CancellationToken.None);
    }

    [Fact]
    public async Task Starttls_to_a_server_whose_self_signed_certificate_is_pinned_signs_in_and_delivers()
    {
        var (certificate, sha256) = TestCertificate.Create();
        using var _ = certificate;
        await using var smtp = new SmtpReceiver(SmtpTls.StartTls, certificate, ("vigil", "s3cret"));
        var result = await SendAsync(smtp, new()
        {
            ["Vigil:Channels:Email:ServerCertificateSha256"] = sha256,
            ["Vigil:Channels:Email:User"] = "vigil",
            ["Vigil:Channels:Email:Password"] = "s3cret",
        });
        Assert.Equal(DeliveryStatus.Sent, result.Status);
        var mail = Assert.Single(smtp.Mails);
        Assert.True(mail.OverTls);
        Assert.Equal("vigil", mail.SignedInAs);
        Assert.Contains("Condition: latency_p95 = 2,734 (threshold > 2,000, 5m window)", mail.Body, StringComparison.Ordinal);
        Assert.Contains("threshold &gt; 2,000", mail.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"http://vigil.test/api/ack/tok3n\"", mail.Html, StringComparison.Ordinal);
        Assert.Equal(NotificationSamples.Alert.Id.ToString(), mail.Header("X-Vigil-Alert"));
    }

    [Fact]
    public async Task Implicit_tls_from_the_first_byte_delivers()
    {
        var (certificate, sha256) = TestCertificate.Create();
        using var _ = certificate;
        await using var smtp = new SmtpReceiver(SmtpTls.Implicit, certificate);
        var result = await SendAsync(smtp, new() { ["Vigil:Channels:Email:Security"] = "Implicit", ["Vigil:Channels:Email:ServerCertificateSha256"] = sha256 });
        Assert.Equal(DeliveryStatus.Sent, result.Status);
        Assert.True(Assert.Single(smtp.Mails).OverTls);
    }

    [Fact]
    public async Task A_certificate_nobody_trusts_fails_the_send_without_delivering()
    {
        var (certificate, _) = TestCertificate.Create();
        using var __ = certificate;
        await using var smtp = new SmtpReceiver(SmtpTls.StartTls, certificate);
        var result = await SendAsync(smtp, []);
        Assert.Equal(DeliveryStatus.Failed, result.Status);
        Assert.Equal(1, result.Attempts);
        Assert.Contains("TLS", result.Error, StringComparison.Ordinal);
        Assert.Empty(smtp.Mails);
    }

    [Fact]
    public async Task A_refused_sign_in_is_permanent_and_names_the_user()
    {
        var (certificate, sha256) = TestCertificate.Create();
        using var _ = certificate;
        await using var smtp = new SmtpReceiver(SmtpTls.StartTls, certificate, ("vigil", "s3cret"));
        var result = await SendAsync(smtp, new()
        {
            ["Vigil:Channels:Email:ServerCertificateSha256"] = sha256,
            ["Vigil:Channels:Email:User"] = "vigil",
            ["Vigil:Channels:Email:Password"] = "wrong",
            ["Vigil:Notifications:MaxRetries"] = "2",
        });
        Assert.Equal(DeliveryStatus.Failed, result.Status);
        Assert.Equal(1, result.Attempts);
        Assert.Contains("refused the sign-in of 'vigil'", result.Error, StringComparison.Ordinal);
        Assert.Empty(smtp.Mails);
    }

    [Fact]
    public async Task Requiring_starttls_from_a_server_that_does_not_offer_it_fails_rather_than_sending_in_clear()
    {
        await using var smtp = new SmtpReceiver();
        var result = await SendAsync(smtp, new() { ["Vigil:Channels:Email:Security"] = "StartTls" });
        Assert.Equal(DeliveryStatus.Failed, result.Status);
        Assert.Empty(smtp.Mails);
    }

    [Fact]
    public async Task The_people_a_notification_is_for_get_it_beside_the_configured_recipients()
    {
        await using var smtp = new SmtpReceiver();
        var result = await SendAsync(smtp, new() { ["Vigil:Channels:Email:UseTls"] = "false" },
            Mail(new Recipient("alice", "Alice Example", Email: "alice@example.test"), new Recipient("bob", "Bob", SlackUserId: "U0BOB")));
        Assert.Equal(DeliveryStatus.Sent, result.Status);
        var mail = Assert.Single(smtp.Mails);
        Assert.Equal(["oncall@example.test", "alice@example.test"], mail.To);
        Assert.Contains("On call: Alice Example, Bob", mail.Body, StringComparison.Ordinal);
    }
}
