using Microsoft.Extensions.Options;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Options that are whatever the test set them to (change <see cref="Value"/> to reconfigure).</summary>
internal sealed class StaticOptions<T>(T value) : IOptionsMonitor<T>
{
    public T Value { get; set; } = value;

    public T CurrentValue => Value;

    public T Get(string? name) => Value;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
