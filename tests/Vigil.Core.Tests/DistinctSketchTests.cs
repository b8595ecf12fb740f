using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

public class DistinctSketchTests
{
    private static DistinctSketch Of(string prefix, int from, int count)
    {
        var sketch = new DistinctSketch();
        for (var i = from; i < from + count; i++) sketch.Add($"{prefix}-{i}");
        return sketch;
    }

    /// <summary>Three standard errors of the estimator at <paramref name="n"/>, and never less than one (small counts are exact up to a register collision).</summary>
    private static double Bound(long n) => Math.Max(1, 3 * DistinctSketch.RelativeStandardError * n);

    [Fact]
    public void The_stated_error_is_one_point_zero_four_over_the_root_of_the_register_count()
    {
        Assert.Equal(16_384, DistinctSketch.RegisterCount);
        Assert.Equal(0.008125, DistinctSketch.RelativeStandardError, 9);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(1_000)]
    [InlineData(20_000)]
    [InlineData(100_000)]
    [InlineData(1_000_000)]
    public void The_estimate_is_within_three_standard_errors_of_the_true_count(int n)
    {
        foreach (var prefix in new[] { "conversation", "user" })
        {
            var estimate = Of(prefix, 0, n).Estimate();
            Assert.True(Math.Abs(estimate - n) <= Bound(n), $"{prefix}: {n} distinct values estimated as {estimate:F1} (allowed ±{Bound(n):F1})");
        }
    }

    [Fact]
    public void Repeated_values_are_counted_once()
    {
        var sketch = new DistinctSketch();
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 300; i++) sketch.Add($"c-{i}");
        }
        Assert.Equal(300, sketch.Count);
    }

    [Fact]
    public void An_empty_sketch_counts_zero_and_serialises_to_a_few_bytes()
    {
        var sketch = new DistinctSketch();
        Assert.True(sketch.IsEmpty);
        Assert.Equal(0, sketch.Count);
        var bytes = sketch.Serialize();
        Assert.True(bytes.Length <= 4, $"{bytes.Length} bytes");
        Assert.Equal(0, DistinctSketch.Deserialize(bytes).Count);
    }

    [Fact]
    public void Merging_is_the_union_of_the_sets_whatever_the_order()
    {
        // Overlapping halves: 0..59,999 and 40,000..99,999 → 100,000 distinct.
        var a = Of("u", 0, 60_000);
        var b = Of("u", 40_000, 60_000);
        var ab = new DistinctSketch();
        ab.Merge(a);
        ab.Merge(b);
        var ba = new DistinctSketch();
        ba.Merge(b);
        ba.Merge(a);
        Assert.Equal(ab.Serialize(), ba.Serialize());
        Assert.True(Math.Abs(ab.Estimate() - 100_000) <= Bound(100_000), $"union estimated as {ab.Estimate():F0}");
        // The union of the sets, not the sum of the counts.
        Assert.True(ab.Estimate() < a.Estimate() + b.Estimate() - 10_000);
    }

    [Fact]
    public void Merging_a_sketch_again_changes_nothing()
    {
        var hour = Of("s", 0, 5_000);
        var minute = Of("s", 4_000, 2_000);
        hour.Merge(minute);
        var once = hour.Serialize();
        hour.Merge(minute);
        hour.MergeSerialized(minute.Serialize());
        Assert.Equal(once, hour.Serialize());
    }

    [Fact]
    public void Merging_minutes_gives_the_same_registers_as_adding_everything_to_one_sketch()
    {
        var whole = Of("m", 0, 9_000);
        var merged = new DistinctSketch();
        for (var minute = 0; minute < 9; minute++) merged.MergeSerialized(Of("m", minute * 1_000, 1_000).Serialize());
        Assert.Equal(whole.Serialize(), merged.Serialize());
        Assert.Equal(whole.Count, merged.Count);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(2_000)]
    [InlineData(50_000)]
    public void A_round_trip_keeps_every_register(int n)
    {
        var sketch = Of("r", 0, n);
        var copy = DistinctSketch.Deserialize(sketch.Serialize());
        Assert.Equal(sketch.Serialize(), copy.Serialize());
        Assert.Equal(sketch.Estimate(), copy.Estimate());
        Assert.Equal(sketch.IsDense, copy.IsDense);
    }

    [Fact]
    public void A_small_sketch_stays_sparse_and_a_large_one_turns_dense()
    {
        var small = Of("x", 0, 100);
        Assert.False(small.IsDense);
        Assert.True(small.Serialize().Length < 100 * 4, $"{small.Serialize().Length} bytes for 100 values");
        var large = Of("x", 0, 10_000);
        Assert.True(large.IsDense);
        Assert.Equal(3 + DistinctSketch.RegisterCount, large.Serialize().Length);
    }

    [Fact]
    public void A_sparse_sketch_merged_into_a_dense_one_counts_the_union()
    {
        var dense = Of("d", 0, 10_000);
        dense.Merge(Of("d", 10_000, 50));
        Assert.True(Math.Abs(dense.Estimate() - 10_050) <= Bound(10_050));
        var sparse = Of("d", 0, 50);
        sparse.Merge(Of("d", 50, 9_950));
        Assert.True(sparse.IsDense);
        Assert.True(Math.Abs(sparse.Estimate() - 10_000) <= Bound(10_000));
    }

    [Fact]
    public void The_hash_is_the_same_in_every_process()
    {
        // Fixed values: a sketch written by one host must merge with one written by another.
        Assert.Equal(StableHash.Of("conversation-1"), StableHash.Of("conversation-1"));
        Assert.NotEqual(StableHash.Of("conversation-1"), StableHash.Of("conversation-2"));
        Assert.Equal(StableHash.Mix(14695981039346656037UL), StableHash.Of(""));
        Assert.Equal(StableHash.Of(new string('é', 300)), StableHash.Of(new string('é', 300)));
        Assert.NotEqual(StableHash.Of(new string('é', 300)), StableHash.Of(new string('é', 299)));
    }

    [Theory]
    [InlineData(new byte[] { 2, 14, 0, 0 }, "format")]
    [InlineData(new byte[] { 1, 12, 0, 0 }, "precision")]
    [InlineData(new byte[] { 1, 14, 7, 0 }, "encoding")]
    [InlineData(new byte[] { 1, 14, 1, 0 }, "Truncated")]
    [InlineData(new byte[] { 1, 14, 0, 1, 0 }, "Truncated")]
    [InlineData(new byte[] { 1, 14, 0, 1, 0, 60 }, "holds")]
    [InlineData(new byte[] { 1, 14, 0, 0, 9 }, "trailing")]
    public void Damaged_bytes_are_refused(byte[] data, string message)
    {
        var e = Assert.Throws<FormatException>(() => DistinctSketch.Deserialize(data));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
