using System.Numerics;

namespace Vigil.Core.Metrics;

/// <summary>
/// A mergeable distinct count: HyperLogLog (Flajolet et al. 2007) with 2^14 registers and Ertl's
/// improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017),
/// which corrects the small and large ranges without HLL++'s empirical bias tables. The relative
/// standard error is 1.04/√m = 0.81% (<see cref="RelativeStandardError"/>) at every cardinality;
/// small counts are near exact. Merging takes the maximum of each register, so it is the union of
/// the sets: commutative, associative and idempotent — a minute merged twice into its hour changes
/// nothing, and hours merge into days exactly as minutes into hours.
/// <para>
/// Values are hashed with <see cref="StableHash"/>, so every host builds the same registers. A sketch
/// that has seen few values keeps only its non-zero registers (a minute of a quiet bot is a few
/// bytes); past <see cref="SparseLimit"/> it switches to all 16,384 registers.
/// </para>
/// </summary>
public sealed class DistinctSketch
{
    public const int Precision = 14;
    public const int RegisterCount = 1 << Precision;

    /// <summary>1.04/√m for m = 16,384 registers.</summary>
    public static readonly double RelativeStandardError = 1.04 / Math.Sqrt(RegisterCount);

    private const byte FormatVersion = 1;
    private const byte SparseEncoding = 0;
    private const byte DenseEncoding = 1;

    /// <summary>The largest register value: the 50 hash bits after the index all zero, plus one.</summary>
    private const int MaxRank = 64 - Precision + 1;

    /// <summary>Beyond this many non-zero registers the dense array is smaller than the sparse map (and serialised form).</summary>
    private const int SparseLimit = RegisterCount / 8;

    private const double AlphaInfinity = 0.72134752044448170368; // 1 / (2 ln 2)

    private Dictionary<int, byte>? _sparse;
    private byte[]? _dense;

    public bool IsEmpty => _dense is null && (_sparse is null || _sparse.Count == 0);

    /// <summary>Whether the sketch holds every register (for tests and size reporting).</summary>
    public bool IsDense => _dense is not null;

    public void Add(string value) => AddHash(StableHash.Of(value));

    public void AddHash(ulong hash)
    {
        var index = (int)(hash >> (64 - Precision));
        var rest = hash << Precision;
        var rank = (byte)Math.Min(BitOperations.LeadingZeroCount(rest) + 1, MaxRank);
        Set(index, rank);
    }

    /// <summary>The union: each register becomes the larger of the two.</summary>
    public void Merge(DistinctSketch other)
    {
        if (other._dense is { } dense)
        {
            for (var i = 0; i < dense.Length; i++)
            {
                if (dense[i] != 0) Set(i, dense[i]);
            }
        }
        else if (other._sparse is { } sparse)
        {
            foreach (var (index, rank) in sparse) Set(index, rank);
        }
    }

    /// <summary>Merges a serialised sketch without materialising it (the query hot path).</summary>
    public void MergeSerialized(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return;
        if (data[0] != FormatVersion) throw new FormatException($"Unknown distinct sketch format {data[0]}.");
        if (data.Length < 3) throw new FormatException("Truncated distinct sketch.");
        if (data[1] != Precision) throw new FormatException($"Distinct sketch of precision {data[1]}; this build reads {Precision}.");
        switch (data[2])
        {
            case DenseEncoding:
                if (data.Length != 3 + RegisterCount) throw new FormatException("Truncated distinct sketch.");
                for (var i = 0; i < RegisterCount; i++)
                {
                    var rank = data[3 + i];
                    if (rank > MaxRank) throw new FormatException($"Distinct sketch register {i} holds {rank}, above {MaxRank}.");
                    if (rank != 0) Set(i, rank);
                }
                break;
            case SparseEncoding:
                var position = 3;
                var count = (int)ReadVarint(data, ref position);
                var index = -1;
                for (var n = 0; n < count; n++)
                {
                    index += (int)ReadVarint(data, ref position) + 1;
                    if (position >= data.Length) throw new FormatException("Truncated distinct sketch.");
                    var rank = data[position++];
                    if (index >= RegisterCount || rank is 0 or > MaxRank) throw new FormatException($"Distinct sketch register {index} holds {rank}.");
                    Set(index, rank);
                }
                if (position != data.Length) throw new FormatException("Distinct sketch has trailing bytes.");
                break;
            default:
                throw new FormatException($"Unknown distinct sketch encoding {data[2]}.");
        }
    }

    /// <summary>The estimated number of distinct values added (0 when empty).</summary>
    public double Estimate()
    {
        // Histogram of register values: Ertl's estimator needs nothing else.
        Span<int> histogram = stackalloc int[MaxRank + 1];
        var nonZero = 0;
        if (_dense is { } dense)
        {
            foreach (var rank in dense) histogram[rank]++;
            nonZero = RegisterCount - histogram[0];
        }
        else if (_sparse is { } sparse)
        {
            foreach (var rank in sparse.Values) histogram[rank]++;
            nonZero = sparse.Count;
        }
        histogram[0] = RegisterCount - nonZero;
        if (nonZero == 0) return 0;
        const double m = RegisterCount;
        var z = m * Tau(1 - (histogram[MaxRank] / m));
        for (var k = MaxRank - 1; k >= 1; k--) z = 0.5 * (z + histogram[k]);
        z += m * Sigma(histogram[0] / m);
        return AlphaInfinity * m * m / z;
    }

    /// <summary><see cref="Estimate"/> rounded to a whole count.</summary>
    public long Count => (long)Math.Round(Estimate(), MidpointRounding.AwayFromZero);

    /// <summary>Version, precision, encoding, then either the non-zero registers (index delta as a varint, value) or all of them.</summary>
    public byte[] Serialize()
    {
        if (_dense is { } dense)
        {
            var bytes = new byte[3 + RegisterCount];
            bytes[0] = FormatVersion;
            bytes[1] = Precision;
            bytes[2] = DenseEncoding;
            dense.CopyTo(bytes, 3);
            return bytes;
        }
        var entries = _sparse is null ? [] : _sparse.OrderBy(e => e.Key).ToArray();
        var buffer = new byte[3 + 5 + (entries.Length * 4)];
        buffer[0] = FormatVersion;
        buffer[1] = Precision;
        buffer[2] = SparseEncoding;
        var position = 3;
        Varint.Write(buffer, ref position, (ulong)entries.Length);
        var previous = -1;
        foreach (var (index, rank) in entries)
        {
            Varint.Write(buffer, ref position, (ulong)(index - previous - 1));
            buffer[position++] = rank;
            previous = index;
        }
        return buffer.AsSpan(0, position).ToArray();
    }

    public static DistinctSketch Deserialize(ReadOnlySpan<byte> data)
    {
        var sketch = new DistinctSketch();
        sketch.MergeSerialized(data);
        return sketch;
    }

    private void Set(int index, byte rank)
    {
        if (_dense is { } dense)
        {
            if (rank > dense[index]) dense[index] = rank;
            return;
        }
        _sparse ??= [];
        if (_sparse.TryGetValue(index, out var current) && current >= rank) return;
        _sparse[index] = rank;
        if (_sparse.Count > SparseLimit)
        {
            dense = new byte[RegisterCount];
            foreach (var (i, r) in _sparse) dense[i] = r;
            _dense = dense;
            _sparse = null;
        }
    }

    /// <summary>Ertl's σ(x) = x + Σ_{k≥1} x^(2^k) 2^(k-1), for the registers still zero.</summary>
    private static double Sigma(double x)
    {
        if (x == 1) return double.PositiveInfinity;
        var y = 1.0;
        var z = x;
        double previous;
        do
        {
            x *= x;
            previous = z;
            z += x * y;
            y += y;
        }
        while (z != previous);
        return z;
    }

    /// <summary>Ertl's τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^-k))² 2^-k) / 3, for the registers at the maximum.</summary>
    private static double Tau(double x)
    {
        if (x is 0 or 1) return 0;
        var y = 1.0;
        var z = 1 - x;
        double previous;
        do
        {
            x = Math.Sqrt(x);
            previous = z;
            y *= 0.5;
            z -= (1 - x) * (1 - x) * y;
        }
        while (z != previous);
        return z / 3;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position) => Varint.Read(data, ref position, 35, "Truncated distinct sketch.");
}
