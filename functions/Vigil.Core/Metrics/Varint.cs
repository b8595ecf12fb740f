namespace Vigil.Core.Metrics;

/// <summary>LEB128 unsigned varints, the integer encoding of the serialised sketches (<see cref="LatencySketch"/>, <see cref="DistinctSketch"/>).</summary>
internal static class Varint
{
    public static void Write(byte[] buffer, ref int position, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[position++] = (byte)value;
    }

    /// <summary>Reads one varint of at most <paramref name="maxShift"/>/7 + 1 bytes; a short or overlong one is <paramref name="truncated"/>.</summary>
    public static ulong Read(ReadOnlySpan<byte> data, ref int position, int maxShift, string truncated)
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            if (position >= data.Length || shift > maxShift) throw new FormatException(truncated);
            var b = data[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
            shift += 7;
        }
    }
}
