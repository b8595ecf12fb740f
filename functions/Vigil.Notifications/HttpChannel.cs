using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.Core.Notifications;

namespace Vigil.Notifications;

/// <summary>Shared HTTP plumbing: JSON bodies, and replies sorted into done, retry or give up.</summary>
public abstract class HttpChannel(IHttpClientFactory http) : IChannel
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        // Receivers and people read these payloads; "> 2,000" should not arrive as "\u003E 2,000".
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public abstract string Name { get; }

    public abstract string? OffReason { get; }

    public virtual string? Declines(Notification notification) => null;

    public abstract Task SendAsync(Notification notification, CancellationToken cancellationToken);

    protected async Task PostAsync(string url, byte[] body, Action<HttpRequestMessage>? decorate, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Vigil", "1.1"));
        decorate?.Invoke(request);
        using var client = http.CreateClient(NotificationDispatcher.HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode) return;
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var detail = $"{Name} answered {(int)response.StatusCode} {response.ReasonPhrase}: {Text.Truncate(text, 300)}";
        if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.RequestTimeout)
        {
            throw new TransientDeliveryException(detail, RetryAfter(response));
        }
        throw new PermanentDeliveryException(detail);
    }

    protected static byte[] Serialize(object body) => JsonSerializer.SerializeToUtf8Bytes(body, Json);

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } retryAfter) return null;
        if (retryAfter.Delta is { } delta) return delta;
        return retryAfter.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }
}
