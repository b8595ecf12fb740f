using System.Globalization;

namespace Vigil.Core.Notifications;

/// <summary>How every notification writes numbers, times and long strings, so all channels agree.</summary>
public static class Text
{
    public static string Number(double? value) =>
        value is not { } v ? "n/a" : Math.Abs(v) >= 100 ? v.ToString("#,##0", CultureInfo.InvariantCulture) : v.ToString("0.####", CultureInfo.InvariantCulture);

    public static string Usd(decimal value) => "$" + value.ToString("N2", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 3), "...");
}
