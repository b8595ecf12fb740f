using System.Buffers;
using System.IO.Compression;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Vigil.Api;

/// <summary>The two encodings of an OTLP/HTTP body.</summary>
public enum OtlpFormat
{
    Protobuf,
    Json,
}

/// <summary>
/// Reads an OTLP/HTTP request body: its format from Content-Type, then at most the ingest body
/// limit, gunzipped when Content-Encoding says gzip. The limit bounds the decompressed size too, so
/// a small gzip bomb is refused (413) once it inflates past the limit, without inflating the rest.
/// </summary>
public static class OtlpBody
{
    public const string ProtobufMediaType = "application/x-protobuf";

    public static (OtlpFormat Format, ProblemResult? Problem) Format(HttpRequest request)
    {
        if (!string.IsNullOrEmpty(request.ContentType) && MediaTypeHeaderValue.TryParse(request.ContentType, out var media))
        {
            var type = media.MediaType.Value ?? "";
            if (type.Equals(ProtobufMediaType, StringComparison.OrdinalIgnoreCase)) return (OtlpFormat.Protobuf, null);
            if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return (OtlpFormat.Json, null);
        }
        return (default, Problems.UnsupportedMediaType(
            $"Content-Type '{request.ContentType}' is not OTLP/HTTP; send application/x-protobuf or application/json."));
    }

    public static async Task<(PooledBody? Body, ProblemResult? Problem)> ReadAsync(
        HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        var gzip = encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) || encoding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (null, Problems.UnsupportedMediaType($"Content-Encoding '{encoding}' is not supported; send gzip or no encoding."));
        }
        var (raw, problem) = await HttpBody.ReadLimitedAsync(request, maxBytes, cancellationToken);
        if (problem is not null || !gzip) return (raw, problem);
        using (raw)
        {
            return await GunzipAsync(raw!.Memory, maxBytes, cancellationToken);
        }
    }

    private static async Task<(PooledBody? Body, ProblemResult? Problem)> GunzipAsync(
        ReadOnlyMemory<byte> compressed, int maxBytes, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, Math.Max(4096, compressed.Length * 4)));
        var total = 0;
        try
        {
            await using var gunzip = new GZipStream(new ReadOnlyMemoryStream(compressed), CompressionMode.Decompress);
            while (true)
            {
                if (total == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await gunzip.ReadAsync(buffer.AsMemory(total), cancellationToken);
                if (read == 0) break;
                total += read;
                if (total > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    var detail = $"The gzip body inflates past the {maxBytes:N0}-byte limit.";
                    return (null, Problems.TooLarge(detail).With("max_bytes", maxBytes));
                }
            }
            return (new PooledBody(buffer, 0, total), null);
        }
        catch (InvalidDataException e)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (null, Problems.BadRequest("invalid-gzip", "Malformed gzip", $"Content-Encoding is gzip but the body is not: {e.Message}"));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>A read-only stream over memory, so the compressed body is not copied again.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
