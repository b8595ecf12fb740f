using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

public class TimeSeriesWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 14, 37, 20, TimeSpan.Zero);

    private static TimeSeriesWindow Resolve(string window, string step)
    {
        Assert.True(MetricWindow.TryResolve(window, Now, out var w, out var error), error);
        Assert.True(TimeSeriesWindow.TryResolve(w, step, out var series, out error), error);
        return series;
    }

    [Theory]
    [InlineData("1m", Resolution.Minute)]
    [InlineData("7m", Resolution.Minute)]
    [InlineData("5m", Resolution.FiveMinutes)]
    [InlineData("10m", Resolution.FiveMinutes)]
    [InlineData("15m", Resolution.FiveMinutes)]
    [InlineData("30m", Resolution.FiveMinutes)]
    [InlineData("1h", Resolution.Hour)]
    [InlineData("6h", Resolution.Hour)]
    [InlineData("1d", Resolution.Day)]
    public void A_step_reads_the_coarsest_rollup_whose_rows_fit_inside_one_bucket(string step, Resolution expected) =>
        Assert.Equal(expected, Resolve("12h", step).Resolution);

    [Fact]
    public void Twenty_four_hours_at_five_minutes_reads_five_minute_rows_and_the_current_minutes()
    {
        var series = Resolve("24h", "5m");
        Assert.Equal(289, series.Points);
        var pieces = series.Plan();
        Assert.Equal(series.From, pieces[0].From);
        Assert.Equal(series.To, pieces[^1].To);
        Assert.Equal([Resolution.FiveMinutes, Resolution.Minute], pieces.Select(p => p.Resolution));
        // 14:35 yesterday to 14:35 today in 288 rows, then 14:35–14:38 in minute rows.
        Assert.Equal(288, (pieces[0].To - pieces[0].From) / TimeSpan.FromMinutes(5));
        Assert.Equal(3, (pieces[1].To - pieces[1].From).TotalMinutes);
    }

    [Fact]
    public void No_piece_of_a_plan_straddles_two_buckets()
    {
        foreach (var step in new[] { "1m", "3m", "5m", "10m", "20m", "30m", "1h", "3h", "1d" })
        {
            var series = Resolve(step switch { "1d" => "30d", "1h" or "3h" => "7d", _ => "12h" }, step);
            foreach (var piece in series.Plan())
            {
                var length = Align.Length(piece.Resolution);
                Assert.True(series.Step.Ticks % length.Ticks == 0, $"{piece.Resolution} rows at step {step}");
                Assert.Equal(piece.From, Align.Floor(piece.From, piece.Resolution));
            }
        }
    }

    [Theory]
    [InlineData("15m")]
    [InlineData("30m")]
    public void Windows_over_seven_days_refuse_steps_finer_than_an_hour(string step)
    {
        Assert.True(MetricWindow.TryResolve("8d", Now, out var w, out _));
        Assert.False(TimeSeriesWindow.TryResolve(w, step, out _, out var error));
        Assert.Contains("whole hours", error, StringComparison.Ordinal);
    }
}
