using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Vigil.Core.Auth;

namespace Vigil.Core.Alerts;

/// <summary>
/// Acknowledge links anyone with the link can use, from a phone, without an API key:
/// <c>{PublicUrl}/api/ack/{token}</c>. One token per alert: 256 bits of HMAC over the alert's id and
/// a random nonce kept with the alert, under a key the database does not hold (the link secret, or
/// one derived from the admin key), so reading the database yields no working link. Only the
/// token's SHA-256 is stored, for the lookup. A link dies with its alert's resolution.
/// </summary>
public sealed class AckLinks(IAlertStore alerts, PublicUrl publicUrl, IOptionsMonitor<AlertingOptions> alerting, IOptionsMonitor<AuthOptions> auth)
{
    /// <summary>Without either setting: a key for this process only (links die when it restarts).</summary>
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    public const int TokenLength = 43;

    public async Task<string> LinkAsync(Guid alertId, CancellationToken cancellationToken)
    {
        var key = Key();
        var nonce = await alerts.AckNonceAsync(alertId, n => HashOf(Token(key, alertId, n)), cancellationToken);
        return $"{publicUrl.Base}/api/ack/{Token(key, alertId, nonce)}";
    }

    /// <summary>The alert a presented token opens, or null (malformed or unknown: they look the same).</summary>
    public async Task<Alert?> FindAsync(string token, CancellationToken cancellationToken)
    {
        if (token.Length != TokenLength || !token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return null;
        return await alerts.FindByAckTokenHashAsync(HashOf(token), cancellationToken);
    }

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));

    private static string Token(byte[] key, Guid alertId, byte[] nonce)
    {
        var message = new byte[16 + nonce.Length];
        alertId.TryWriteBytes(message);
        nonce.CopyTo(message, 16);
        return Convert.ToBase64String(HMACSHA256.HashData(key, message)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private byte[] Key()
    {
        if (alerting.CurrentValue.LinkSecret is { Length: > 0 } secret) return SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        if (auth.CurrentValue.AdminKey is { Length: > 0 } admin)
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(admin), 32, info: Encoding.ASCII.GetBytes("vigil acknowledge links"));
        }
        return ProcessKey;
    }
}
