using Vigil.Core.OnCall;

namespace Vigil.Core.Tests;

/// <summary>Who an escalation step reaches: people, a schedule's primary or secondary, a tenant's own before the deployment's.</summary>
public class RecipientResolverTests
{
    private static readonly DateTimeOffset At = new(2026, 10, 7, 12, 0, 0, TimeSpan.Zero);

    private sealed class Store : IOnCallStore
    {
        public List<Person> People { get; } = [];
        public List<OnCallSchedule> Schedules { get; } = [];

        public Task<Person?> GetPersonAsync(string? tenantId, string id, CancellationToken cancellationToken) =>
            Task.FromResult(People.FirstOrDefault(p => p.TenantId == tenantId && p.Id == id));

        public Task<OnCallSchedule?> GetScheduleAsync(string? tenantId, string name, CancellationToken cancellationToken) =>
            Task.FromResult(Schedules.FirstOrDefault(s => s.TenantId == tenantId && s.Name == name));

        public Task<IReadOnlyList<Person>> ListPeopleAsync(TenantScope scope, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> UpsertPersonAsync(Person person, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<(bool Deleted, IReadOnlyList<string> UsedBy)> DeletePersonAsync(string? tenantId, string id, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
        public Task<IReadOnlyList<OnCallSchedule>> ListSchedulesAsync(TenantScope scope, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> UpsertScheduleAsync(OnCallSchedule schedule, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> DeleteScheduleAsync(string? tenantId, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static Person Person(string id, string? tenant = null) => new()
    {
        Id = id, TenantId = tenant, Name = $"{id} ({tenant ?? "global"})", Email = $"{id}@example.com", SlackUserId = "U1", TeamsUpn = "t@x", Phone = "+4930",
    };

    private static OnCallSchedule Schedule(string? tenant, params string[] participants) => new(
        "primary-oncall", tenant, TimeZoneInfo.Utc, Rotation.Weekly, new Handoff(DayOfWeek.Monday, new TimeOnly(9, 0)),
        participants, [], new DateTimeOffset(2026, 10, 5, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero));

    private static Store Global()
    {
        var store = new Store();
        store.People.AddRange([Person("alice"), Person("bob")]);
        store.Schedules.Add(Schedule(null, "alice", "bob"));
        return store;
    }

    [Fact]
    public async Task A_schedule_reaches_whoever_is_primary_or_secondary_then_with_their_contact_points()
    {
        var (recipients, problems) = await new RecipientResolver(Global()).ResolveAsync(null, ["schedule:primary-oncall", "schedule:primary-oncall:secondary"], At, default);
        Assert.Empty(problems);
        Assert.Equal(["alice", "bob"], recipients.Select(r => r.Id));
        Assert.Equal(new Notifications.Recipient("alice", "alice (global)", "alice@example.com", "U1", "t@x", "+4930"), recipients[0]);
    }

    [Fact]
    public async Task Someone_named_twice_is_notified_once()
    {
        var (recipients, _) = await new RecipientResolver(Global()).ResolveAsync(null, ["person:alice", "schedule:primary-oncall"], At, default);
        Assert.Equal(["alice"], recipients.Select(r => r.Id));
    }

    [Fact]
    public async Task A_tenants_own_people_come_first_and_the_deployments_stand_in()
    {
        var store = Global();
        store.People.Add(Person("alice", "acme"));
        var (recipients, problems) = await new RecipientResolver(store).ResolveAsync("acme", ["person:alice", "person:bob", "schedule:primary-oncall"], At, default);
        Assert.Empty(problems);
        Assert.Equal(["alice (acme)", "bob (global)"], recipients.Select(r => r.Name));
    }

    [Fact]
    public async Task A_global_rule_never_reaches_a_tenants_people()
    {
        var store = new Store();
        store.People.Add(Person("carol", "acme"));
        var (recipients, problems) = await new RecipientResolver(store).ResolveAsync(null, ["person:carol"], At, default);
        Assert.Empty(recipients);
        Assert.Equal(["person:carol: no person 'carol'"], problems);
    }

    [Fact]
    public async Task Each_target_that_reaches_nobody_is_reported_and_the_rest_still_go_out()
    {
        var store = Global();
        store.Schedules.Add(Schedule(null, "dave") with { Name = "solo" });
        var (recipients, problems) = await new RecipientResolver(store).ResolveAsync(null,
            ["team:sre", "schedule:missing", "schedule:solo:secondary", "schedule:solo", "person:bob"], At, default);
        Assert.Equal(["bob"], recipients.Select(r => r.Id));
        Assert.Equal(
            [
                "'team:sre' is not person:<id>, schedule:<name> or schedule:<name>:secondary.",
                "schedule:missing: no such schedule",
                "schedule:solo:secondary: nobody is secondary on a schedule of one",
                "schedule:solo: no person 'dave'",
            ],
            problems);
    }
}

/// <summary>How an operator writes a schedule's hand-off.</summary>
public class HandoffTests
{
    [Theory]
    [InlineData("mon 09:00", Rotation.Weekly, "mon 09:00")]
    [InlineData("  Monday   9:00 ", Rotation.Weekly, "mon 09:00")]
    [InlineData("sun 23:59", Rotation.Weekly, "sun 23:59")]
    [InlineData("SAT 00:00", Rotation.Weekly, "sat 00:00")]
    [InlineData("02:30", Rotation.Daily, "02:30")]
    [InlineData("7:05", Rotation.Daily, "07:05")]
    public void Hand_offs_are_read_in_any_case_and_written_back_plainly(string text, Rotation rotation, string written)
    {
        Assert.True(Handoff.TryParse(text, rotation, out var handoff, out var error), error);
        Assert.Equal(written, handoff.ToString());
    }

    [Fact]
    public void A_weekly_hand_off_knows_its_day_and_a_daily_one_has_none()
    {
        Assert.True(Handoff.TryParse("wed 10:15", Rotation.Weekly, out var weekly, out _));
        Assert.Equal(new Handoff(DayOfWeek.Wednesday, new TimeOnly(10, 15)), weekly);
        Assert.True(Handoff.TryParse("10:15", Rotation.Daily, out var daily, out _));
        Assert.Null(daily.Day);
    }

    [Theory]
    [InlineData("09:00", Rotation.Weekly, "a weekly hand-off is a day and a time such as \"mon 09:00\" (got \"09:00\").")]
    [InlineData("mo 09:00", Rotation.Weekly, "a weekly hand-off is a day and a time such as \"mon 09:00\" (got \"mo 09:00\").")]
    [InlineData("funday 09:00", Rotation.Weekly, "a weekly hand-off is a day and a time such as \"mon 09:00\" (got \"funday 09:00\").")]
    [InlineData("mon 09:00 x", Rotation.Weekly, "a weekly hand-off is a day and a time such as \"mon 09:00\" (got \"mon 09:00 x\").")]
    [InlineData(null, Rotation.Weekly, "a weekly hand-off is a day and a time such as \"mon 09:00\" (got \"\").")]
    [InlineData("mon 09:00", Rotation.Daily, "a daily hand-off is a time such as \"09:00\" (got \"mon 09:00\").")]
    [InlineData("", Rotation.Daily, "a daily hand-off is a time such as \"09:00\" (got \"\").")]
    [InlineData("24:00", Rotation.Daily, "the hand-off time must be HH:mm on a 24-hour clock (got \"24:00\").")]
    [InlineData("mon 9am", Rotation.Weekly, "the hand-off time must be HH:mm on a 24-hour clock (got \"9am\").")]
    public void Anything_else_is_refused_with_an_example(string? text, Rotation rotation, string expected)
    {
        Assert.False(Handoff.TryParse(text, rotation, out _, out var error));
        Assert.Equal(expected, error);
    }
}
