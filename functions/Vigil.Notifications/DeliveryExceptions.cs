namespace Vigil.Notifications;

/// <summary>Worth another try: a 5xx, a 429, a transient SMTP reply. May carry the receiver's Retry-After.</summary>
public sealed class TransientDeliveryException(string message, TimeSpan? retryAfter = null, Exception? inner = null) : Exception(message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>Not worth another try: the receiver refused the request (4xx other than 429).</summary>
public sealed class PermanentDeliveryException(string message) : Exception(message);
