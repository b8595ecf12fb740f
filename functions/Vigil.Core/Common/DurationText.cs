using System.Globalization;
using System.Text;

namespace Vigil.Core;

/// <summary>
/// Durations as the contract writes them in requests: "90s", "5m", "1h", "24h", "7d", and
/// combinations such as "1h30m". Units: ms, s, m, h, d, w.
/// </summary>
public static class DurationText
{
    private const long MaxMilliseconds = long.MaxValue / TimeSpan.TicksPerMillisecond;

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        long totalMs = 0;
        var i = 0;
        var parts = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i == start || i - start > 9) return false;
            var number = long.Parse(s.AsSpan(start, i - start), CultureInfo.InvariantCulture);
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetterLower(s[i])) i++;
            long unitMs = s.AsSpan(unitStart, i - unitStart) switch
            {
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                "w" => 604_800_000,
                _ => -1,
            };
            if (unitMs < 0) return false;
            // At most nine digits times a week fits a long; the sum must also fit a TimeSpan.
            var partMs = number * unitMs;
            if (partMs > MaxMilliseconds - totalMs) return false;
            totalMs += partMs;
            parts++;
        }
        if (parts == 0) return false;
        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var v) ? v : throw new FormatException($"'{text}' is not a duration such as 90s, 5m, 1h or 7d.");

    /// <summary>Shortest canonical text: "5m", "1h", "7d", "1h30m", "90s" stays "1m30s".</summary>
    public static string Format(TimeSpan value)
    {
        if (value <= TimeSpan.Zero) return "0s";
        var ms = (long)value.TotalMilliseconds;
        var sb = new StringBuilder();
        Append(ref ms, 86_400_000, 'd', sb);
        Append(ref ms, 3_600_000, 'h', sb);
        Append(ref ms, 60_000, 'm', sb);
        Append(ref ms, 1000, 's', sb);
        if (ms > 0) sb.Append(ms.ToString(CultureInfo.InvariantCulture)).Append("ms");
        return sb.ToString();

        static void Append(ref long ms, long unit, char suffix, StringBuilder sb)
        {
            if (ms < unit) return;
            sb.Append((ms / unit).ToString(CultureInfo.InvariantCulture)).Append(suffix);
            ms %= unit;
        }
    }
}
