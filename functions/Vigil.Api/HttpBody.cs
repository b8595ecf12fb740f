using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Vigil.Core;

namespace Vigil.Api;

/// <summary>A request body held in a pooled buffer; dispose to return it.</summary>
public sealed class PooledBody : IDisposable
{
    private readonly int _offset;
    private byte[]? _buffer;

    internal PooledBody(byte[] buffer, int offset, int length)
    {
        _buffer = buffer;
        _offset = offset;
        Length = length;
    }

    /// <summary>Bytes of the body, without a leading UTF-8 byte order mark.</summary>
    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(_offset, Length);

    public void Dispose()
    {
        if (_buffer is { } b) ArrayPool<byte>.Shared.Return(b);
        _buffer = null;
    }
}

public static class HttpBody
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>JSON or a +json type; a charset other than UTF-8 is refused.</summary>
    public static ProblemResult? RequireJson(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType) || !MediaTypeHeaderValue.TryParse(request.ContentType, out var media))
        {
            return Problems.UnsupportedMediaType("Send the body as JSON with Content-Type: application/json.");
        }
        var type = media.MediaType.Value ?? "";
        var isJson = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        if (!isJson)
        {
            return Problems.UnsupportedMediaType($"Content-Type '{type}' is not supported; send application/json.");
        }
        var charset = media.Charset.Value;
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.UnsupportedMediaType($"charset '{charset}' is not supported; JSON must be UTF-8.");
        }
        return null;
    }

    /// <summary>
    /// Reads at most <paramref name="maxBytes"/>: a declared Content-Length over the limit is refused
    /// before reading anything, and a chunked body is cut off as soon as it passes the limit.
    /// </summary>
    public static async Task<(PooledBody? Body, ProblemResult? Problem)> ReadLimitedAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return (null, TooLarge(declared, maxBytes));
        }
        var capacity = request.ContentLength is { } length ? (int)length + 1 : Math.Min(maxBytes + 1, 64 * 1024);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, total).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(total), cancellationToken);
                if (read == 0) break;
                total += read;
                if (total > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return (null, TooLarge(null, maxBytes));
                }
            }
            // RFC 8259 lets a parser ignore a byte order mark, and some clients (PowerShell, .NET's
            // own Encoding.UTF8 writers) send one; System.Text.Json would refuse it.
            var bom = buffer.AsSpan(0, total).StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
            return (new PooledBody(buffer, bom, total - bom), null);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>For small request documents (keys, rules, budgets): a JSON object, or a problem.</summary>
    public static async Task<(JsonElement Body, ProblemResult? Problem)> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken, int maxBytes = 256 * 1024)
    {
        if (RequireJson(request) is { } wrongType) return (default, wrongType);
        var (body, tooLarge) = await ReadLimitedAsync(request, maxBytes, cancellationToken);
        if (tooLarge is not null) return (default, tooLarge);
        using (body)
        {
            try
            {
                using var document = JsonDocument.Parse(body!.Memory, new JsonDocumentOptions { MaxDepth = 16 });
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return (default, Problems.BadRequest("invalid-body", "Invalid body", "The body must be a JSON object."));
                }
                // Every route stores text from these documents: refuse what PostgreSQL cannot store
                // here, once, rather than in each handler (or as a failed write).
                if (StorableText.FindIn(document.RootElement) is { } unstorable)
                {
                    var field = unstorable.Path.Length == 0 ? "body" : unstorable.Path;
                    return (default, FieldErrors.Single(field, $"{field} {unstorable.Problem}."));
                }
                return (document.RootElement.Clone(), null);
            }
            catch (JsonException e)
            {
                return (default, Problems.BadRequest("invalid-json", "Malformed JSON", $"The body is not valid JSON: {e.Message}"));
            }
        }
    }

    private static ProblemResult TooLarge(long? declared, int maxBytes) =>
        Problems.TooLarge(declared is { } d
            ? $"The body is {d:N0} bytes; at most {maxBytes:N0} bytes are accepted."
            : $"The body is larger than the {maxBytes:N0}-byte limit.")
            .With("max_bytes", maxBytes);
}
