using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Core.Conversations;

/// <summary>
/// The opaque <c>cursor</c> of <c>GET /api/conversations</c>, like <c>EventCursor</c>: the last row
/// served (its sort value, tenant and conversation id), the first page's window start, and a
/// fingerprint of the filters and sort so a cursor replayed with other ones is refused.
/// </summary>
public static class ConversationCursor
{
    private const string Version = "c1";

    public static string Encode(DateTimeOffset from, ConversationPosition last, string filters)
    {
        var text = string.Join('\n', Version, from.UtcTicks.ToString(CultureInfo.InvariantCulture),
            last.SortValue.ToString("R", CultureInfo.InvariantCulture), Fingerprint(filters), last.TenantId, last.ConversationId);
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));
    }

    public static bool TryDecode(string cursor, string filters, out DateTimeOffset from, out ConversationPosition last, out string error)
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
        if (parts.Length != 6 || parts[0] != Version
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var fromTicks)
            || fromTicks > DateTimeOffset.MaxValue.UtcTicks
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            return false;
        }
        if (parts[3] != Fingerprint(filters))
        {
            error = "cursor belongs to a query with other filters or another sort; send the same ones as the first page, or start again.";
            return false;
        }
        from = new DateTimeOffset(fromTicks, TimeSpan.Zero);
        last = new ConversationPosition(value, parts[4], parts[5]);
        return true;
    }

    private static string Fingerprint(string filters) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(filters)).AsSpan(0, 8));
}
