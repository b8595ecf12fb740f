using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Core.Events;

/// <summary>
/// The opaque <c>cursor</c> of <c>GET /api/events</c>: the last position served, the window start of
/// the first page (so "24h" does not slide while a client pages through it) and a fingerprint of the
/// filters, so a cursor replayed with other filters is refused instead of silently answering a
/// different question. Base64url, so it needs no escaping in a query string.
/// </summary>
public static class EventCursor
{
    private const string Version = "1";

    public static string Encode(DateTimeOffset from, EventPosition last, string filters)
    {
        var text = string.Join('\n', Version, from.UtcTicks.ToString(CultureInfo.InvariantCulture),
            last.Timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture), Fingerprint(filters), last.TenantId, last.EventId);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    public static bool TryDecode(string cursor, string filters, out DateTimeOffset from, out EventPosition last, out string error)
    {
        from = default;
        last = default;
        error = "cursor is not one this route issued; start again without it.";
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('\n');
        }
        catch (FormatException)
        {
            return false;
        }
        // Tenant and event ids never hold control characters (the parser refuses them), so '\n' separates.
        if (parts.Length != 6 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var fromTicks)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var lastTicks)
            || fromTicks > DateTimeOffset.MaxValue.UtcTicks || lastTicks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }
        if (parts[3] != Fingerprint(filters))
        {
            error = "cursor belongs to a query with other filters; send the same filters as the first page, or start again.";
            return false;
        }
        from = new DateTimeOffset(fromTicks, TimeSpan.Zero);
        last = new EventPosition(new DateTimeOffset(lastTicks, TimeSpan.Zero), parts[4], parts[5]);
        return true;
    }

    private static string Fingerprint(string filters) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(filters)).AsSpan(0, 8));
}
