using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

/// <summary>The sketch across the whole range a latency takes, and the exact figures it keeps beside the buckets.</summary>
public class LatencySketchRangeTests
{
    private static readonly double[] Quantiles = [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0];

    [Theory]
    [InlineData(0.000002)] // 2 ns: the smallest values still bucketed, far below 1 ms (negative keys)
    [InlineData(0.004)]
    [InlineData(0.25)]
    [InlineData(0.999)]
    [InlineData(1.0)]
    [InlineData(3.7)]
    [InlineData(86_400_000.0)] // a day
    public void A_value_anywhere_in_the_range_survives_serialisation_within_one_percent(double value)
    {
        var sketch = new LatencySketch();
        sketch.Add(value);
        sketch.Add(value);
        sketch.Add(value);
        var copy = LatencySketch.Deserialize(sketch.Serialize());
        Assert.Equal(3, copy.Count);
        var median = copy.Quantile(0.5)!.Value;
        Assert.True(Math.Abs(median - value) / value <= LatencySketch.RelativeAccuracy, $"{value} came back as {median}");
    }

    [Fact]
    public void Sub_millisecond_values_keep_their_quantiles_through_serialisation()
    {
        // Values from 1 µs to 2 s: bucket keys on both sides of zero, the first of them negative.
        var sketch = new LatencySketch();
        var values = new List<double>();
        for (var v = 0.001; v < 2_000; v *= 1.37) values.Add(v);
        foreach (var v in values) sketch.Add(v);
        var copy = LatencySketch.Deserialize(sketch.Serialize());
        values.Sort();
        foreach (var q in Quantiles)
        {
            var expected = values[Math.Max(1, (int)Math.Ceiling(q * values.Count)) - 1];
            var actual = copy.Quantile(q)!.Value;
            Assert.True(Math.Abs(actual - expected) / expected <= LatencySketch.RelativeAccuracy, $"q={q}: expected {expected}, got {actual}");
        }
    }

    [Fact]
    public void Sum_and_mean_are_the_values_added_in_milliseconds()
    {
        var sketch = new LatencySketch();
        sketch.Add(100);
        sketch.Add(250.5);
        sketch.Add(0.5);
        Assert.Equal(351.0, sketch.Sum, 6);
        Assert.Equal(117.0, sketch.Mean!.Value, 6);

        var merged = new LatencySketch();
        merged.Add(49);
        merged.Merge(sketch);
        Assert.Equal(400.0, merged.Sum, 6);
        Assert.Equal(100.0, merged.Mean!.Value, 6);

        var copy = LatencySketch.Deserialize(merged.Serialize());
        Assert.Equal(400.0, copy.Sum, 6);
        var fromBytes = new LatencySketch();
        fromBytes.Add(600);
        fromBytes.MergeSerialized(merged.Serialize());
        Assert.Equal(1000.0, fromBytes.Sum, 6);
        Assert.Equal(5, fromBytes.Count);
    }

    [Fact]
    public void Merging_keeps_the_smallest_minimum_and_the_largest_maximum()
    {
        var narrow = new LatencySketch();
        narrow.Add(100);
        narrow.Add(200);
        var wide = new LatencySketch();
        wide.Add(5);
        wide.Add(9_000);

        var a = new LatencySketch();
        a.Merge(narrow);
        a.Merge(wide);
        Assert.Equal(5, a.Min);
        Assert.Equal(9_000, a.Max);
        Assert.Equal(9_000, a.Quantile(1.0));
        Assert.Equal(5, a.Quantile(0.0));

        var b = new LatencySketch();
        b.Merge(wide);
        b.Merge(narrow);
        Assert.Equal(5, b.Min);
        Assert.Equal(9_000, b.Max);

        var c = new LatencySketch();
        c.MergeSerialized(narrow.Serialize());
        c.MergeSerialized(wide.Serialize());
        Assert.Equal(5, c.Min);
        Assert.Equal(9_000, c.Max);
    }

    [Fact]
    public void Merging_an_empty_sketch_changes_nothing()
    {
        var sketch = new LatencySketch();
        sketch.Add(42);
        sketch.Merge(new LatencySketch());
        sketch.MergeSerialized(new LatencySketch().Serialize());
        sketch.MergeSerialized([]);
        Assert.Equal(1, sketch.Count);
        Assert.Equal(42, sketch.Min);
        Assert.Equal(42, sketch.Max);
        Assert.Equal(42, sketch.Sum, 6);
    }

    [Fact]
    public void Zeros_survive_serialisation_and_merging()
    {
        var sketch = new LatencySketch();
        sketch.Add(0);
        sketch.Add(0);
        sketch.Add(0);
        sketch.Add(10);
        var copy = LatencySketch.Deserialize(sketch.Serialize());
        Assert.Equal(3, copy.ZeroCount);
        Assert.Equal(4, copy.Count);
        Assert.Equal(0, copy.Quantile(0.5));
        Assert.Equal(10, copy.Quantile(1.0));
        var merged = new LatencySketch();
        merged.Merge(sketch);
        Assert.Equal(3, merged.ZeroCount);
    }

    [Fact]
    public void A_sketch_of_another_format_version_is_refused_even_when_complete()
    {
        var sketch = new LatencySketch();
        sketch.Add(12.5);
        sketch.Add(900);
        var bytes = sketch.Serialize();
        bytes[0] = 2;
        var error = Assert.Throws<FormatException>(() => LatencySketch.Deserialize(bytes));
        Assert.Contains("format 2", error.Message);
    }

    [Fact]
    public void Bucket_count_counts_distinct_buckets_only()
    {
        var sketch = new LatencySketch();
        Assert.Equal(0, sketch.BucketCount);
        sketch.Add(10);
        sketch.Add(10);
        sketch.Add(1_000);
        sketch.Add(0);
        Assert.Equal(2, sketch.BucketCount);
    }

    [Fact]
    public void Quantiles_between_the_extremes_come_from_the_buckets_in_order()
    {
        var sketch = new LatencySketch();
        for (var i = 1; i <= 100; i++) sketch.Add(i);
        Assert.Equal(1, sketch.Quantile(0.0));
        Assert.Equal(100, sketch.Quantile(1.0));
        var p50 = sketch.Quantile(0.5)!.Value;
        Assert.True(Math.Abs(p50 - 50) / 50 <= LatencySketch.RelativeAccuracy, $"p50 {p50}");
        var p99 = sketch.Quantile(0.99)!.Value;
        Assert.True(Math.Abs(p99 - 99) / 99 <= LatencySketch.RelativeAccuracy, $"p99 {p99}");
        var p2 = sketch.Quantile(0.02)!.Value;
        Assert.True(Math.Abs(p2 - 2) / 2 <= LatencySketch.RelativeAccuracy, $"p2 {p2}");
    }

    [Fact]
    public void Infinity_and_quantiles_below_zero_are_refused()
    {
        var sketch = new LatencySketch();
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(-0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(double.NaN));
        Assert.Equal(0, sketch.Count);
    }
}
