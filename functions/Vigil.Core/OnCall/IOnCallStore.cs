namespace Vigil.Core.OnCall;

/// <summary>People and on-call schedules, addressed by (tenant, id or name); null is the global scope.</summary>
public interface IOnCallStore
{
    Task<IReadOnlyList<Person>> ListPeopleAsync(TenantScope scope, CancellationToken cancellationToken);

    Task<Person?> GetPersonAsync(string? tenantId, string id, CancellationToken cancellationToken);

    /// <summary>Creates or replaces; true when created.</summary>
    Task<bool> UpsertPersonAsync(Person person, CancellationToken cancellationToken);

    /// <summary>Deleted, not found, or kept because these schedules name them.</summary>
    Task<(bool Deleted, IReadOnlyList<string> UsedBy)> DeletePersonAsync(string? tenantId, string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<OnCallSchedule>> ListSchedulesAsync(TenantScope scope, CancellationToken cancellationToken);

    Task<OnCallSchedule?> GetScheduleAsync(string? tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Creates or replaces (keeping the first start unless a new one is given); true when created.</summary>
    Task<bool> UpsertScheduleAsync(OnCallSchedule schedule, CancellationToken cancellationToken);

    Task<bool> DeleteScheduleAsync(string? tenantId, string name, CancellationToken cancellationToken);
}
