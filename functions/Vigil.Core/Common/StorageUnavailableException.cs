namespace Vigil.Core;

/// <summary>
/// The store could not be reached or refused work for a transient reason. Hosts answer 503 with
/// Retry-After; the operation wrote nothing (every write is one transaction).
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException(string message, Exception? inner = null) : base(message, inner) { }

    public StorageUnavailableException() : base("Storage is unavailable.") { }

    public StorageUnavailableException(string message) : base(message) { }

    /// <summary>How long a client should wait before trying again.</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(5);
}
