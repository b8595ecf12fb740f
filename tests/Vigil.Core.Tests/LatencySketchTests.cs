using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

public class LatencySketchTests
{
    private static readonly double[] Quantiles = [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0];

    /// <summary>PostgreSQL's percentile_disc: the value at rank ceil(q·n), at least 1.</summary>
    private static double PercentileDisc(double[] sorted, double q) => sorted[Math.Max(1, (int)Math.Ceiling(q * sorted.Length)) - 1];

    private static double[] HeavyTailed(int n, int seed)
    {
        var random = new Random(seed);
        var values = new double[n];
        for (var i = 0; i < n; i++)
        {
            var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            values[i] = random.NextDouble() < 0.03 ? 5_000 + (random.NextDouble() * 55_000) : 300 * Math.Exp(0.6 * normal);
        }
        return values;
    }

    private static void AssertWithinAccuracy(double expected, double? actual, string what)
    {
        Assert.NotNull(actual);
        var error = expected == 0 ? Math.Abs(actual.Value) : Math.Abs(actual.Value - expected) / expected;
        Assert.True(error <= LatencySketch.RelativeAccuracy + 1e-12, $"{what}: expected {expected}, got {actual}, relative error {error:P4}");
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(17, 3)]
    [InlineData(1_000, 4)]
    [InlineData(200_000, 5)]
    public void Every_quantile_is_within_one_percent_of_percentile_disc(int n, int seed)
    {
        var values = HeavyTailed(n, seed);
        var sketch = new LatencySketch();
        foreach (var v in values) sketch.Add(v);
        Array.Sort(values);
        foreach (var q in Quantiles) AssertWithinAccuracy(PercentileDisc(values, q), sketch.Quantile(q), $"q={q}");
    }

    [Fact]
    public void Quantiles_never_leave_the_observed_range()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            var sketch = new LatencySketch();
            var values = Enumerable.Range(0, random.Next(1, 40)).Select(_ => Math.Round(random.NextDouble() * 5000, 1)).ToArray();
            foreach (var v in values) sketch.Add(v);
            foreach (var q in Quantiles)
            {
                var estimate = sketch.Quantile(q)!.Value;
                Assert.InRange(estimate, values.Min(), values.Max());
            }
            Assert.Equal(values.Max(), sketch.Quantile(1));
            Assert.Equal(values.Min(), sketch.Min);
            AssertWithinAccuracy(values.Min(), sketch.Quantile(0), "q=0");
        }
    }

    [Fact]
    public void A_single_value_is_reported_exactly()
    {
        var sketch = new LatencySketch();
        sketch.Add(1234.5);
        Assert.Equal(1234.5, sketch.Quantile(0.5));
        Assert.Equal(1234.5, sketch.Quantile(0.99));
    }

    [Fact]
    public void Zero_and_tiny_values_count_as_zero()
    {
        var sketch = new LatencySketch();
        foreach (var v in new[] { 0.0, 0.0, 0.0000001, 10, 20 }) sketch.Add(v);
        Assert.Equal(3, sketch.ZeroCount);
        Assert.Equal(0.0, sketch.Quantile(0.5));
        AssertWithinAccuracy(20, sketch.Quantile(1), "max");
    }

    [Fact]
    public void Merging_equals_adding_everything_to_one_sketch()
    {
        var values = HeavyTailed(50_000, 11);
        var whole = new LatencySketch();
        foreach (var v in values) whole.Add(v);
        var merged = new LatencySketch();
        foreach (var chunk in values.Chunk(997))
        {
            var part = new LatencySketch();
            foreach (var v in chunk) part.Add(v);
            if (chunk.Length % 2 == 0) merged.Merge(part);
            else merged.MergeSerialized(part.Serialize());
        }
        Assert.Equal(whole.Count, merged.Count);
        Assert.Equal(whole.Min, merged.Min);
        Assert.Equal(whole.Max, merged.Max);
        Assert.Equal(whole.Sum, merged.Sum, 6);
        foreach (var q in Quantiles) Assert.Equal(whole.Quantile(q), merged.Quantile(q));
    }

    [Fact]
    public void Serialisation_round_trips()
    {
        var sketch = new LatencySketch();
        foreach (var v in HeavyTailed(10_000, 13)) sketch.Add(v);
        sketch.Add(0);
        var copy = LatencySketch.Deserialize(sketch.Serialize());
        Assert.Equal(sketch.Count, copy.Count);
        Assert.Equal(sketch.ZeroCount, copy.ZeroCount);
        Assert.Equal(sketch.Sum, copy.Sum);
        Assert.Equal(sketch.Min, copy.Min);
        Assert.Equal(sketch.Max, copy.Max);
        Assert.Equal(sketch.BucketCount, copy.BucketCount);
        foreach (var q in Quantiles) Assert.Equal(sketch.Quantile(q), copy.Quantile(q));
    }

    [Fact]
    public void A_sketch_covering_1ms_to_1h_stays_under_4KB_serialised()
    {
        // Every bucket between 1 ms and 1 h filled, each with tens of thousands of values (3-byte counts).
        var sketch = new LatencySketch();
        var first = LatencySketch.KeyOf(1.0);
        var last = LatencySketch.KeyOf(3_600_000.0);
        for (var value = 1.0; value <= 3_600_000.0; value *= 1.0101)
        {
            for (var i = 0; i < 3; i++) sketch.Add(value);
        }
        var full = new LatencySketch();
        for (var i = 0; i < 10_000; i++) full.Merge(sketch);
        Assert.Equal(last - first + 1, full.BucketCount);
        Assert.True(full.Count / full.BucketCount > 16_384);
        var bytes = full.Serialize();
        Assert.True(bytes.Length < 4096, $"{bytes.Length} bytes for {full.BucketCount} buckets and {full.Count} values");
    }

    [Fact]
    public void An_empty_sketch_has_no_quantiles_and_serialises_small()
    {
        var sketch = new LatencySketch();
        Assert.Null(sketch.Quantile(0.5));
        Assert.Null(sketch.Mean);
        var copy = LatencySketch.Deserialize(sketch.Serialize());
        Assert.True(copy.IsEmpty);
    }

    [Fact]
    public void Bad_input_is_refused()
    {
        var sketch = new LatencySketch();
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Add(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => sketch.Quantile(1.5));
        Assert.Throws<FormatException>(() => sketch.MergeSerialized([9, 0, 0]));
        sketch.Add(12.5);
        sketch.Add(900);
        var bytes = sketch.Serialize();
        for (var length = 1; length < bytes.Length; length++)
        {
            Assert.Throws<FormatException>(() => new LatencySketch().MergeSerialized(bytes.AsSpan(0, length)));
        }
    }
}
