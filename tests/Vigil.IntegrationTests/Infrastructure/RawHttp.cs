using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>An HTTP/1.1 response as it came off the wire.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>
/// Requests written byte by byte to a socket: what HttpClient will not send (a Content-Length
/// longer than the body, a bad chunk size, a body trickling in, oversized lines), as a client or an
/// attacker can.
/// </summary>
public static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="head"/> (request line and headers; the blank line is added) and then each
    /// part of <paramref name="body"/> after its delay, half-closes the socket when
    /// <paramref name="closeAfterBody"/>, and reads the response until the server closes or it is complete.
    /// </summary>
    public static async Task<RawResponse> SendAsync(string baseUrl, string head, IEnumerable<(TimeSpan Delay, byte[] Bytes)>? body = null,
        bool closeAfterBody = false, TimeSpan? timeout = null)
    {
        var uri = new Uri(baseUrl);
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(uri.Host, uri.Port, cancel.Token);
        var headText = head.Replace("{host}", uri.Authority, StringComparison.Ordinal);
        await socket.SendAsync(Encoding.ASCII.GetBytes(headText.TrimEnd('\r', '\n') + "\r\n\r\n"), cancel.Token);
        try
        {
            foreach (var (delay, bytes) in body ?? [])
            {
                if (delay > TimeSpan.Zero) await Task.Delay(delay, cancel.Token);
                await socket.SendAsync(bytes, cancel.Token);
            }
            if (closeAfterBody) socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The server may answer and close before the whole body is sent: read what it said.
        }
        return await ReadAsync(socket, cancel.Token);
    }

    public static (TimeSpan, byte[]) Now(string text) => (TimeSpan.Zero, Encoding.UTF8.GetBytes(text));

    private static async Task<RawResponse> ReadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        int headEnd;
        while ((headEnd = IndexOf(received, "\r\n\r\n"u8.ToArray())) < 0)
        {
            var n = await socket.ReceiveAsync(buffer, cancellationToken);
            if (n == 0) throw new IOException($"The server closed the connection after {received.Count} bytes without a complete response head.");
            received.AddRange(buffer.AsSpan(0, n));
        }
        var lines = Encoding.ASCII.GetString(received.GetRange(0, headEnd).ToArray()).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = received.Skip(headEnd + 4).ToList();
        var length = headers.TryGetValue("Content-Length", out var cl) ? int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture) : (int?)null;
        var chunked = headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        while (length is null ? true : body.Count < length)
        {
            if (chunked && IndexOf(body, "0\r\n\r\n"u8.ToArray()) >= 0) break;
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, cancellationToken);
            }
            catch (SocketException)
            {
                break;
            }
            if (n == 0) break;
            body.AddRange(buffer.AsSpan(0, n));
        }
        var text = Encoding.UTF8.GetString(body.ToArray());
        return new RawResponse(status, headers, chunked ? Unchunk(text) : text);
    }

    private static string Unchunk(string text)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var lineEnd = text.IndexOf("\r\n", i, StringComparison.Ordinal);
            if (lineEnd < 0) break;
            var size = Convert.ToInt32(text[i..lineEnd].Split(';')[0], 16);
            if (size == 0) break;
            result.Append(text, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        return result.ToString();
    }

    private static int IndexOf(List<byte> haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++) match = haystack[i + j] == needle[j];
            if (match) return i;
        }
        return -1;
    }
}
