using Vigil.Core.Auth;

namespace Vigil.Core.Tests.Fakes;

internal sealed class FakeApiKeyStore : IApiKeyStore
{
    public Dictionary<string, StoredApiKey> Keys { get; } = [];

    public Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken) => Task.FromResult(Keys.GetValueOrDefault(id));

    public Task InsertAsync(StoredApiKey key, CancellationToken cancellationToken)
    {
        Keys[key.Key.Id] = key;
        return Task.CompletedTask;
    }

    public Task UpsertAsync(StoredApiKey key, CancellationToken cancellationToken) => InsertAsync(key, cancellationToken);

    public Task<bool> RevokeAsync(string id, TenantScope scope, DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (!Keys.TryGetValue(id, out var k) || !scope.Includes(k.Key.TenantId)) return Task.FromResult(false);
        Keys[id] = k with { Key = k.Key with { RevokedAt = at } };
        return Task.FromResult(true);
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync(TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ApiKey>>([.. Keys.Values.Select(k => k.Key).Where(k => scope.Includes(k.TenantId))]);
}
