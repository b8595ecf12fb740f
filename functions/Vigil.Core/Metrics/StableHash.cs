using System.Text;

namespace Vigil.Core.Metrics;

/// <summary>
/// A 64-bit hash that is the same in every process and on every host (string.GetHashCode is
/// randomised per process, so sketches written by two hosts would not merge). FNV-1a over the UTF-8
/// bytes, then the MurmurHash3 64-bit finaliser: FNV alone mixes the last bytes poorly into the high
/// bits, which HyperLogLog uses as the register index.
/// </summary>
public static class StableHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    public static ulong Of(string value)
    {
        Span<byte> buffer = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(value.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(value, buffer)]
            : Encoding.UTF8.GetBytes(value);
        var hash = FnvOffset;
        foreach (var b in bytes)
        {
            hash ^= b;
            hash *= FnvPrime;
        }
        return Mix(hash);
    }

    /// <summary>MurmurHash3's fmix64: every input bit affects every output bit.</summary>
    public static ulong Mix(ulong k)
    {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdUL;
        k ^= k >> 33;
        k *= 0xc4ceb9fe1a85ec53UL;
        k ^= k >> 33;
        return k;
    }
}
