using Vigil.Core.Prometheus;

namespace Vigil.Core.Tests;

public class PrometheusTextTests
{
    [Fact]
    public void Label_values_escape_backslash_quote_and_line_feed_as_the_exposition_format_requires() =>
        Assert.Equal("a\\\\b\\\"c\\nd", PrometheusText.Escape("a\\b\"c\nd"));

    [Fact]
    public void A_family_has_help_and_type_lines_then_its_samples()
    {
        var text = new PrometheusText();
        text.Family("vigil_x_total", "counter", "Help with a \\ and\na new line.");
        text.Sample("vigil_x_total", [new("bot", "lead_bot"), new("model", "")], 1.5);
        text.Sample("vigil_x_total", [], double.NaN);

        Assert.Equal(
            "# HELP vigil_x_total Help with a \\\\ and\\na new line.\n# TYPE vigil_x_total counter\n" +
            "vigil_x_total{bot=\"lead_bot\",model=\"\"} 1.5\nvigil_x_total NaN\n",
            text.ToString());
    }
}
