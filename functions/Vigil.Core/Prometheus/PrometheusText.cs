using System.Globalization;
using System.Text;

namespace Vigil.Core.Prometheus;

/// <summary>
/// Writes the Prometheus text exposition format, version 0.0.4: one HELP and one TYPE line per
/// metric family, then its samples. Label values are escaped as the format requires (backslash,
/// double quote and line feed); help text escapes backslash and line feed.
/// </summary>
public sealed class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(16 * 1024);

    public void Family(string name, string type, string help)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        foreach (var ch in help)
        {
            _text.Append(ch switch { '\\' => @"\\", '\n' => @"\n", _ => ch.ToString() });
        }
        _text.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void Sample(string name, IReadOnlyList<KeyValuePair<string, string>> labels, double value)
    {
        _text.Append(name);
        if (labels.Count > 0)
        {
            _text.Append('{');
            for (var i = 0; i < labels.Count; i++)
            {
                if (i > 0) _text.Append(',');
                _text.Append(labels[i].Key).Append("=\"");
                AppendEscaped(labels[i].Value);
                _text.Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(Format(value)).Append('\n');
    }

    public override string ToString() => _text.ToString();

    public static string Escape(string value)
    {
        var text = new PrometheusText();
        text.AppendEscaped(value);
        return text.ToString();
    }

    private void AppendEscaped(string value)
    {
        foreach (var ch in value)
        {
            switch (ch)
            {
                case '\\': _text.Append(@"\\"); break;
                case '"': _text.Append("\\\""); break;
                case '\n': _text.Append(@"\n"); break;
                default: _text.Append(ch); break;
            }
        }
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : value.ToString("R", CultureInfo.InvariantCulture);
}
