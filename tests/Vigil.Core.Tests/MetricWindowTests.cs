using System.Globalization;
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
    public void A_seven_day_window_reads_days_in_the_middle_and_hours_five_minutes_and_minutes_at_the_edges()
    {
        var now = new DateTimeOffset(2026, 3, 10, 14, 37, 20, TimeSpan.Zero);
        MetricWindow.TryResolve("7d", now, out var w, out _);
        var pieces = w.Plan();
        Assert.Equal(
            [Resolution.Minute, Resolution.FiveMinutes, Resolution.Hour, Resolution.Day, Resolution.Hour, Resolution.FiveMinutes, Resolution.Minute],
            pieces.Select(p => p.Resolution));
        // 14:38 a week ago → 14:40 → 15:00 → midnight; six whole days; → 14:00 → 14:35 → 14:38 now.
        Assert.Equal(
            [(2, "2026-03-03T14:38"), (20, "2026-03-03T14:40"), (9 * 60, "2026-03-03T15:00"), (6 * 1440, "2026-03-04T00:00"),
             (14 * 60, "2026-03-10T00:00"), (35, "2026-03-10T14:00"), (3, "2026-03-10T14:35")],
            pieces.Select(p => ((int)(p.To - p.From).TotalMinutes, p.From.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void A_plan_capped_at_five_minutes_never_reads_an_hour_row()
    {
        var from = new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero);
        var pieces = MetricWindow.Plan(from, from.AddHours(24).AddMinutes(3), Resolution.FiveMinutes);
        Assert.Equal([(Resolution.FiveMinutes, 288 * 5), (Resolution.Minute, 3)], pieces.Select(p => (p.Resolution, (int)(p.To - p.From).TotalMinutes)));
    }

    [Fact]
    public void A_window_inside_one_five_minute_row_reads_minutes_only()
    {
        var from = new DateTimeOffset(2026, 3, 10, 14, 31, 0, TimeSpan.Zero);
        Assert.Equal([new RollupPiece(Resolution.Minute, from, from.AddMinutes(3))], MetricWindow.Plan(from, from.AddMinutes(3)));
        Assert.Empty(MetricWindow.Plan(from, from));
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
            // Rows read per series stay bounded: at most 4+11+23+days+23+11+4.
            var rows = pieces.Sum(p => (p.To - p.From) / Align.Length(p.Resolution));
            Assert.True(rows <= 4 + 11 + 23 + 31 + 23 + 11 + 4, $"{rows} rows for {to - from}");
        }
    }
}
