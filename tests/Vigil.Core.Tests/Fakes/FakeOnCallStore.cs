using Vigil.Core.OnCall;

namespace Vigil.Core.Tests.Fakes;

internal sealed class FakeOnCallStore : IOnCallStore
{
    public List<Person> People { get; } = [];

    public List<OnCallSchedule> Schedules { get; } = [];

    public Task<IReadOnlyList<Person>> ListPeopleAsync(TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Person>>([.. People.Where(p => scope.Includes(p.TenantId))]);

    public Task<Person?> GetPersonAsync(string? tenantId, string id, CancellationToken cancellationToken) =>
        Task.FromResult(People.FirstOrDefault(p => p.TenantId == tenantId && p.Id == id));

    public Task<bool> UpsertPersonAsync(Person person, CancellationToken cancellationToken)
    {
        var created = People.RemoveAll(p => p.TenantId == person.TenantId && p.Id == person.Id) == 0;
        People.Add(person);
        return Task.FromResult(created);
    }

    public Task<(bool Deleted, IReadOnlyList<string> UsedBy)> DeletePersonAsync(string? tenantId, string id, CancellationToken cancellationToken) =>
        Task.FromResult<(bool, IReadOnlyList<string>)>((People.RemoveAll(p => p.TenantId == tenantId && p.Id == id) > 0, []));

    public Task<IReadOnlyList<OnCallSchedule>> ListSchedulesAsync(TenantScope scope, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OnCallSchedule>>([.. Schedules.Where(s => scope.Includes(s.TenantId))]);

    public Task<OnCallSchedule?> GetScheduleAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Schedules.FirstOrDefault(s => s.TenantId == tenantId && s.Name == name));

    public Task<bool> UpsertScheduleAsync(OnCallSchedule schedule, CancellationToken cancellationToken)
    {
        var created = Schedules.RemoveAll(s => s.TenantId == schedule.TenantId && s.Name == schedule.Name) == 0;
        Schedules.Add(schedule);
        return Task.FromResult(created);
    }

    public Task<bool> DeleteScheduleAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Schedules.RemoveAll(s => s.TenantId == tenantId && s.Name == name) > 0);
}
