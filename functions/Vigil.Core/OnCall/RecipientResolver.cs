using Vigil.Core.Alerts;
using Vigil.Core.Notifications;

namespace Vigil.Core.OnCall;

/// <summary>
/// Who an escalation step's <c>notify</c> targets are at the moment it is sent: people by id, a
/// schedule's primary or secondary by its rotation then. The alert's rule's tenant is looked in
/// first, then the global scope, so a tenant's rule can page the deployment's own on-call.
/// </summary>
public sealed class RecipientResolver(IOnCallStore store)
{
    public async Task<(IReadOnlyList<Recipient> Recipients, IReadOnlyList<string> Problems)> ResolveAsync(
        string? tenantId, IReadOnlyList<string> notify, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var recipients = new List<Recipient>();
        var problems = new List<string>();
        foreach (var text in notify)
        {
            if (!NotifyTarget.TryParse(text, out var target, out var error))
            {
                problems.Add(error);
                continue;
            }
            var personId = target.Name;
            if (target.IsSchedule)
            {
                var schedule = await FirstAsync(tenantId, t => store.GetScheduleAsync(t, target.Name, cancellationToken));
                if (schedule is null)
                {
                    problems.Add($"{target}: no such schedule");
                    continue;
                }
                var shift = schedule.At(at);
                if ((target.Secondary ? shift.Secondary : shift.Primary) is not { } onCall)
                {
                    problems.Add($"{target}: nobody is secondary on a schedule of one");
                    continue;
                }
                personId = onCall;
            }
            var person = await FirstAsync(tenantId, t => store.GetPersonAsync(t, personId, cancellationToken));
            if (person is null)
            {
                problems.Add($"{target}: no person '{personId}'");
                continue;
            }
            if (recipients.All(r => r.Id != person.Id)) recipients.Add(person.ToRecipient());
        }
        return (recipients, problems);
    }

    private static async Task<T?> FirstAsync<T>(string? tenantId, Func<string?, Task<T?>> get) where T : class =>
        tenantId is null ? await get(null) : await get(tenantId) ?? await get(null);
}
