using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

public class MetricWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 10, 17, 42, TimeSpan.Zero);

    [Fact]
    public void A_window_ends_with_the_current_minute_and_spans_whole_minutes()
    {
        Assert.True(MetricWindow.TryResolve("1h", Now, out var w, out _));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 18, 0, TimeSpan.Zero), w.To);
        Assert.Equal(w.To.AddHours(-1), w.From);
        Assert.True(MetricWindow.TryResolve("90s", Now, out var odd, out _));
        Assert.Equal(TimeSpan.FromMinutes(2), odd.To - odd.From);
        Assert.True(MetricWindow.TryResolve(null, Now, out var fallback, out _));
        Assert.Equal("1h", fallback.Text);
    }

    [Fact]
    public void Windows_longer_than_seven_days_start_on_the_hour()
    {
        Assert.True(MetricWindow.TryResolve("7d", Now, out var week, out _));
        Assert.Equal(week.To.AddDays(-7), week.From);
        Assert.True(MetricWindow.TryResolve("30d", Now, out var month, out _));
        Assert.Equal(0, month.From.Minute);
        Assert.True(month.To - month.From >= TimeSpan.FromDays(30));
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("31d")]
    [InlineData("forever")]
    [InlineData("-1h")]
    public void Windows_outside_one_minute_to_thirty_days_are_refused(string text)
    {
        Assert.False(MetricWindow.TryResolve(text, Now, out _, out var error));
        Assert.Contains("window", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_seven_day_window_reads_days_in_the_middle_and_hours_and_minutes_at_the_edges()
    {
        MetricWindow.TryResolve("7d", Now, out var w, out _);
        var pieces = w.Plan();
        Assert.Equal([Resolution.Minute, Resolution.Hour, Resolution.Day, Resolution.Hour, Resolution.Minute], pieces.Select(p => p.Resolution));
        Assert.Equal(6, (pieces[2].To - pieces[2].From).TotalDays);
    }

    [Fact]
    public void Plans_cover_the_window_exactly_with_aligned_pieces()
    {
        var random = new Random(5);
        for (var i = 0; i < 5000; i++)
        {
            var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(0, 500_000));
            var to = from.AddMinutes(random.Next(1, 44_000));
            var pieces = MetricWindow.Plan(from, to);
            Assert.Equal(from, pieces[0].From);
            Assert.Equal(to, pieces[^1].To);
            for (var p = 0; p < pieces.Count; p++)
            {
                var piece = pieces[p];
                Assert.True(piece.To > piece.From);
                Assert.Equal(piece.From, Align.Floor(piece.From, piece.Resolution));
                Assert.Equal(piece.To, Align.Floor(piece.To, piece.Resolution));
                if (p > 0) Assert.Equal(pieces[p - 1].To, piece.From);
            }
            // Rows read per series stay bounded: at most 59+23+days+23+59.
            var rows = pieces.Sum(p => (p.To - p.From) / Align.Length(p.Resolution));
            Assert.True(rows <= 59 + 23 + 31 + 23 + 59, $"{rows} rows for {to - from}");
        }
    }
}
