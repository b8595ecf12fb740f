using Vigil.Core.Silences;

namespace Vigil.Core.Tests.Fakes;

internal sealed class FakeSilenceStore : ISilenceStore
{
    public List<Silence> Silences { get; } = [];

    public Task CreateAsync(Silence silence, CancellationToken cancellationToken)
    {
        Silences.Add(silence);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Silence>> ListAsync(TenantScope scope, bool activeOnly, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Silence>>([.. Silences.Where(s => scope.Includes(s.TenantId) && (!activeOnly || s.IsActiveAt(now))).OrderByDescending(s => s.CreatedAt)]);

    public Task<Silence?> GetAsync(Guid id, TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult(Silences.FirstOrDefault(s => s.Id == id && scope.Includes(s.TenantId)));

    public Task<Silence?> ExpireAsync(Guid id, TenantScope scope, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var index = Silences.FindIndex(s => s.Id == id && scope.Includes(s.TenantId));
        if (index < 0) return Task.FromResult<Silence?>(null);
        if (Silences[index].EffectiveEnd > at) Silences[index] = Silences[index] with { ExpiredAt = at };
        return Task.FromResult<Silence?>(Silences[index]);
    }

    public Task<IReadOnlyList<Silence>> ActiveAsync(DateTimeOffset at, string? alertTenant, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Silence>>([.. Silences.Where(s => s.IsActiveAt(at) && (s.TenantId is null || s.TenantId == alertTenant))]);
}
