using Polly.Retry;

namespace Vigil.Notifications;

internal static class RetryOptionsExtensions
{
    /// <summary>Polly needs at least one retry; zero retries is expressed by handling nothing.</summary>
    public static RetryStrategyOptions WithMaxRetries(this RetryStrategyOptions options, int maxRetries)
    {
        if (maxRetries == 0) options.ShouldHandle = _ => new ValueTask<bool>(false);
        return options;
    }
}
