using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>Acknowledge links: one per alert, opened by its token only, keyed by the link secret or the admin key.</summary>
public class AckLinksTests
{
    private static readonly DateTimeOffset Fired = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    private static (AlertingHarness H, Alert Alert) Create()
    {
        var h = new AlertingHarness(Fired);
        var alert = TestAlerts.Firing(Fired);
        h.Alerts.Add(alert);
        return (h, alert);
    }

    private static string TokenOf(string link) => link[(link.LastIndexOf('/') + 1)..];

    [Fact]
    public async Task A_link_is_under_the_public_url_and_its_token_opens_that_alert()
    {
        var (h, alert) = Create();
        var other = TestAlerts.Firing(Fired);
        h.Alerts.Add(other);

        var link = await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None);

        Assert.Matches("^https://vigil\\.example\\.com/api/ack/[A-Za-z0-9_-]{43}$", link);
        Assert.Equal(link, await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None));
        Assert.NotEqual(link, await h.AckLinks.LinkAsync(other.Id, CancellationToken.None));
        Assert.Equal(alert.Id, (await h.AckLinks.FindAsync(TokenOf(link), CancellationToken.None))?.Id);
    }

    [Fact]
    public async Task Malformed_or_unknown_tokens_open_nothing()
    {
        var (h, alert) = Create();
        var token = TokenOf(await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None));

        Assert.Null(await h.AckLinks.FindAsync(token[..42], CancellationToken.None));
        Assert.Null(await h.AckLinks.FindAsync(token + "A", CancellationToken.None));
        Assert.Null(await h.AckLinks.FindAsync(string.Concat("+", token.AsSpan(1)), CancellationToken.None));
        Assert.Null(await h.AckLinks.FindAsync(string.Concat("é", token.AsSpan(1)), CancellationToken.None));
        Assert.Null(await h.AckLinks.FindAsync(new string('A', AckLinks.TokenLength), CancellationToken.None));
        // Malformed tokens never reach the store; a well-formed unknown one is looked up and not found.
        Assert.Equal(1, h.Alerts.TokenLookups);
        var swapped = token[0] == 'A' ? "B" + token[1..] : "A" + token[1..];
        Assert.Null(await h.AckLinks.FindAsync(swapped, CancellationToken.None));
        Assert.Equal(2, h.Alerts.TokenLookups);
    }

    [Fact]
    public async Task Tokens_with_dashes_and_underscores_are_well_formed()
    {
        var (h, alert) = Create();
        // Find a token with a '-' or '_' among a few alerts (each base64url character is one of 64).
        for (var i = 0; i < 40; i++)
        {
            var a = TestAlerts.Firing(Fired);
            h.Alerts.Add(a);
            var token = TokenOf(await h.AckLinks.LinkAsync(a.Id, CancellationToken.None));
            if (token.Contains('-') && token.Contains('_'))
            {
                Assert.Equal(a.Id, (await h.AckLinks.FindAsync(token, CancellationToken.None))?.Id);
                return;
            }
        }
        Assert.Fail($"no token with both '-' and '_' among 40 (alert {alert.Id})");
    }

    [Fact]
    public async Task Changing_the_link_secret_retires_the_links_sent_before()
    {
        var (h, alert) = Create();
        var before = await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None);

        h.Alerting.Value = new AlertingOptions { PublicUrl = AlertingHarness.PublicBase, LinkSecret = "another secret of some length" };
        var after = await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None);

        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task Without_a_link_secret_the_admin_key_keys_the_links_and_an_empty_secret_counts_as_none()
    {
        var (h, alert) = Create();
        h.Auth.Value = new AuthOptions { AdminKey = "an admin key of some length" };
        h.Alerting.Value = new AlertingOptions { PublicUrl = AlertingHarness.PublicBase, LinkSecret = null };
        var fromAdmin = await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None);

        h.Alerting.Value = new AlertingOptions { PublicUrl = AlertingHarness.PublicBase, LinkSecret = "" };
        Assert.Equal(fromAdmin, await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None));

        h.Auth.Value = new AuthOptions { AdminKey = "a rotated admin key of some length" };
        var rotated = await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None);
        Assert.NotEqual(fromAdmin, rotated);

        h.Auth.Value = new AuthOptions { AdminKey = "" };
        var processOnly = await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None);
        Assert.NotEqual(rotated, processOnly);
        h.Auth.Value = new AuthOptions();
        Assert.Equal(processOnly, await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None));

        // The secret wins over the admin key.
        h.Auth.Value = new AuthOptions { AdminKey = "an admin key of some length" };
        h.Alerting.Value = new AlertingOptions { PublicUrl = AlertingHarness.PublicBase, LinkSecret = "a link secret of some length" };
        Assert.NotEqual(fromAdmin, await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None));
    }

    [Fact]
    public async Task The_token_is_an_hmac_of_the_alert_id_and_its_nonce_under_a_key_derived_from_the_admin_key()
    {
        // Every host of a deployment must make the same link for an alert: the construction is fixed.
        var (h, alert) = Create();
        var nonce = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        h.Alerts.NewNonce = _ => nonce;
        h.Auth.Value = new AuthOptions { AdminKey = "an admin key of some length" };
        h.Alerting.Value = new AlertingOptions { PublicUrl = AlertingHarness.PublicBase };
        var key = System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, "an admin key of some length"u8.ToArray(), 32,
            info: "vigil acknowledge links"u8.ToArray());
        var message = alert.Id.ToByteArray().Concat(nonce).ToArray();
        var expected = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData(key, message)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        Assert.Equal(expected, TokenOf(await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None)));
    }

    [Fact]
    public async Task Alerts_with_the_same_nonce_still_get_different_links_and_a_new_nonce_a_new_link()
    {
        var (h, alert) = Create();
        var other = TestAlerts.Firing(Fired);
        h.Alerts.Add(other);
        h.Alerts.NewNonce = _ => new byte[16];
        var first = await h.AckLinks.LinkAsync(alert.Id, CancellationToken.None);
        Assert.NotEqual(first, await h.AckLinks.LinkAsync(other.Id, CancellationToken.None));

        var elsewhere = new AlertingHarness(Fired);
        elsewhere.Alerts.Add(alert);
        elsewhere.Alerts.NewNonce = _ => Enumerable.Repeat((byte)7, 16).ToArray();
        Assert.NotEqual(first, await elsewhere.AckLinks.LinkAsync(alert.Id, CancellationToken.None));
    }

    [Fact]
    public void The_stored_hash_is_the_tokens_sha256()
    {
        Assert.Equal("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", Convert.ToHexString(AckLinks.HashOf("abc")));
    }
}
