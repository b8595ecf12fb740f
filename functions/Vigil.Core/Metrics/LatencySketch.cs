using System.Buffers.Binary;

namespace Vigil.Core.Metrics;

/// <summary>
/// A mergeable quantile sketch after DDSketch (Masson, Rim, Lee, VLDB 2019). A value x &gt; 0 falls in
/// the logarithmic bucket k = ⌈log_γ x⌉ with γ = (1+α)/(1−α), i.e. in (γ^(k−1), γ^k], and the bucket
/// reports 2γ^k/(γ+1), which is within α = 1% of every value in it. So any quantile it reports is
/// within 1% of the true value at that rank. Merging adds bucket counts, so minutes merge into hours
/// and hours into days without losing that guarantee. Exact count, sum, min and max are kept beside
/// the buckets, and a quantile is clamped to [min, max]: never above the largest real value.
/// <para>
/// Ranks follow PostgreSQL's <c>percentile_disc</c>: the quantile q of n values is the value at rank
/// ⌈q·n⌉ (at least 1), so results compare directly with the exact query.
/// </para>
/// </summary>
public sealed class LatencySketch
{
    public const double RelativeAccuracy = 0.01;

    /// <summary>Values at or below this (1 ns, in milliseconds) count as zero.</summary>
    public const double MinIndexableValue = 1e-6;

    private const byte FormatVersion = 1;
    private static readonly double Gamma = (1 + RelativeAccuracy) / (1 - RelativeAccuracy);
    private static readonly double LogGamma = Math.Log(Gamma);

    // Dense counts for keys [_offset, _offset + _counts.Length); merging thousands of sketches into
    // one array is far faster than into a dictionary, and the key range of latencies is small
    // (1 µs to 1 day is about 1,400 keys).
    private long[] _counts = [];
    private int _offset;
    private int _minKey = int.MaxValue;
    private int _maxKey = int.MinValue;

    // The sum is kept in whole microseconds: integer addition does not depend on the order in which
    // sketches are merged, so re-rolling the same events gives bit-for-bit the same rows.
    private Int128 _sumMicros;

    public long Count { get; private set; }
    public long ZeroCount { get; private set; }
    public double Sum => (double)_sumMicros / 1000.0;
    public double Min { get; private set; } = double.PositiveInfinity;
    public double Max { get; private set; } = double.NegativeInfinity;
    public bool IsEmpty => Count == 0;
    public double? Mean => Count == 0 ? null : Sum / Count;

    /// <summary>The number of non-empty buckets.</summary>
    public int BucketCount
    {
        get
        {
            var n = 0;
            for (var k = _minKey; k <= _maxKey; k++)
            {
                if (_counts[k - _offset] != 0) n++;
            }
            return n;
        }
    }

    public void Add(double value)
    {
        if (!double.IsFinite(value) || value < 0) throw new ArgumentOutOfRangeException(nameof(value), value, "Latencies are finite and not negative.");
        Count++;
        _sumMicros += (Int128)Math.Round(value * 1000.0);
        if (value < Min) Min = value;
        if (value > Max) Max = value;
        if (value <= MinIndexableValue)
        {
            ZeroCount++;
        }
        else
        {
            Increment(KeyOf(value), 1);
        }
    }

    public void Merge(LatencySketch other)
    {
        if (other.Count == 0) return;
        MergeSummary(other.Count, other.ZeroCount, other._sumMicros, other.Min, other.Max);
        for (var k = other._minKey; k <= other._maxKey; k++)
        {
            var c = other._counts[k - other._offset];
            if (c != 0) Increment(k, c);
        }
    }

    /// <summary>Merges a serialised sketch without materialising it (the query hot path).</summary>
    public void MergeSerialized(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (data[0] != FormatVersion) throw new FormatException($"Unknown latency sketch format {data[0]}.");
        if (data.Length < 17) throw new FormatException("Truncated latency sketch.");
        var min = BinaryPrimitives.ReadDoubleLittleEndian(data[1..]);
        var max = BinaryPrimitives.ReadDoubleLittleEndian(data[9..]);
        var position = 17;
        var sum = new Int128(ReadVarint(data, ref position), ReadVarint(data, ref position));
        var zero = (long)ReadVarint(data, ref position);
        var buckets = (int)ReadVarint(data, ref position);
        long count = zero;
        var key = 0;
        for (var i = 0; i < buckets; i++)
        {
            key = i == 0 ? ZigZagDecode(ReadVarint(data, ref position)) : key + (int)ReadVarint(data, ref position);
            var c = (long)ReadVarint(data, ref position);
            Increment(key, c);
            count += c;
        }
        if (count == 0) return;
        MergeSummary(count, zero, sum, min, max);
    }

    /// <summary>The value at rank ⌈q·n⌉, within 1% of the true one and inside [min, max]; null when empty.</summary>
    public double? Quantile(double q)
    {
        if (q is < 0 or > 1 || double.IsNaN(q)) throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is between 0 and 1.");
        if (Count == 0) return null;
        var rank = Math.Max(1L, (long)Math.Ceiling(q * Count));
        // The extremes are known exactly, so the first and last ranks need no estimate.
        if (rank == Count) return Max;
        if (rank == 1) return Min;
        if (rank <= ZeroCount) return Math.Max(Min, 0);
        var seen = ZeroCount;
        for (var k = _minKey; k <= _maxKey; k++)
        {
            seen += _counts[k - _offset];
            if (seen >= rank) return Math.Clamp(ValueOf(k), Min, Max);
        }
        return Max;
    }

    public byte[] Serialize()
    {
        var buffer = new byte[17 + 20 + 10 + 10 + (BucketCount * 15)];
        buffer[0] = FormatVersion;
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(1), Min);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(9), Max);
        var position = 17;
        Varint.Write(buffer, ref position, (ulong)(_sumMicros >> 64));
        Varint.Write(buffer, ref position, (ulong)_sumMicros);
        Varint.Write(buffer, ref position, (ulong)ZeroCount);
        Varint.Write(buffer, ref position, (ulong)BucketCount);
        var previous = 0;
        var first = true;
        for (var k = _minKey; k <= _maxKey; k++)
        {
            var c = _counts[k - _offset];
            if (c == 0) continue;
            Varint.Write(buffer, ref position, first ? ZigZagEncode(k) : (ulong)(k - previous));
            Varint.Write(buffer, ref position, (ulong)c);
            previous = k;
            first = false;
        }
        return buffer.AsSpan(0, position).ToArray();
    }

    public static LatencySketch Deserialize(ReadOnlySpan<byte> data)
    {
        var sketch = new LatencySketch();
        sketch.MergeSerialized(data);
        return sketch;
    }

    internal static int KeyOf(double value) => (int)Math.Ceiling(Math.Log(value) / LogGamma);

    internal static double ValueOf(int key) => 2 * Math.Exp(key * LogGamma) / (Gamma + 1);

    private void MergeSummary(long count, long zero, Int128 sumMicros, double min, double max)
    {
        Count += count;
        ZeroCount += zero;
        _sumMicros += sumMicros;
        if (min < Min) Min = min;
        if (max > Max) Max = max;
    }

    private void Increment(int key, long count)
    {
        if (key < _offset || key >= _offset + _counts.Length) Grow(key);
        _counts[key - _offset] += count;
        if (key < _minKey) _minKey = key;
        if (key > _maxKey) _maxKey = key;
    }

    private void Grow(int key)
    {
        var low = _counts.Length == 0 ? key : Math.Min(key, _offset);
        var high = _counts.Length == 0 ? key : Math.Max(key, _offset + _counts.Length - 1);
        // Room to spare on both sides: merging a day of sketches then rarely copies again.
        var margin = Math.Max(64, (high - low) / 2);
        var newOffset = low - margin;
        var grown = new long[high - low + 1 + (2 * margin)];
        if (_counts.Length > 0) Array.Copy(_counts, 0, grown, _offset - newOffset, _counts.Length);
        _counts = grown;
        _offset = newOffset;
    }

    private static ulong ZigZagEncode(int value) => (ulong)(uint)((value << 1) ^ (value >> 31));

    private static int ZigZagDecode(ulong value) => (int)((uint)value >> 1) ^ -(int)((uint)value & 1);

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position) => Varint.Read(data, ref position, 63, "Truncated latency sketch.");
}
