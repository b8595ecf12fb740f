using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.DemoInbox;

/// <summary>
/// A received message's headers (unfolded, RFC 2047 words decoded) and its text body
/// (quoted-printable or base64 undone): enough to read what Vigil's e-mail channel sends.
/// </summary>
internal sealed partial class MailText
{
    private readonly Dictionary<string, string> _headers;

    private MailText(Dictionary<string, string> headers, string body)
    {
        _headers = headers;
        Body = body;
    }

    public string Body { get; }

    public string? Header(string name) => _headers.GetValueOrDefault(name);

    public static MailText Parse(string message)
    {
        var split = message.IndexOf("\n\n", StringComparison.Ordinal);
        var head = split < 0 ? message : message[..split];
        var body = split < 0 ? "" : message[(split + 2)..];
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var line in head.Split('\n'))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]) && last is not null)
            {
                headers[last] += " " + line.Trim();
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) continue;
            last = line[..colon].Trim();
            headers[last] = line[(colon + 1)..].Trim();
        }
        foreach (var name in headers.Keys.ToList()) headers[name] = DecodeWords(headers[name]);
        var encoding = headers.GetValueOrDefault("Content-Transfer-Encoding")?.ToLowerInvariant();
        body = encoding switch
        {
            "quoted-printable" => QuotedPrintable(body),
            "base64" => Base64(body),
            _ => body,
        };
        return new MailText(headers, body.TrimEnd('\n'));
    }

    private static string QuotedPrintable(string text)
    {
        var bytes = new List<byte>();
        var soft = text.Replace("=\n", "", StringComparison.Ordinal);
        for (var i = 0; i < soft.Length; i++)
        {
            if (soft[i] == '=' && i + 2 < soft.Length && Uri.IsHexDigit(soft[i + 1]) && Uri.IsHexDigit(soft[i + 2]))
            {
                bytes.Add(Convert.ToByte(soft.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(soft[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static string Base64(string text)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c)))));
        }
        catch (FormatException)
        {
            return text;
        }
    }

    /// <summary>"=?utf-8?B?...?=" and "=?utf-8?Q?...?=" words, as a long or non-ASCII subject arrives.</summary>
    private static string DecodeWords(string value) => EncodedWord().Replace(value, m =>
        m.Groups[2].Value.Equals("B", StringComparison.OrdinalIgnoreCase)
            ? Base64(m.Groups[3].Value)
            : QuotedPrintable(m.Groups[3].Value.Replace('_', ' ')));

    [GeneratedRegex(@"=\?([^?]+)\?([BbQq])\?([^?]*)\?=(?:\s+(?==\?))?")]
    private static partial Regex EncodedWord();
}
