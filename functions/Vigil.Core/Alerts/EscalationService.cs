using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Core.Notifications;
using Vigil.Core.OnCall;
using Vigil.Core.Silences;

namespace Vigil.Core.Alerts;

/// <summary>
/// Sends escalation steps and acknowledge/resolve notices, recording every send, for both engines.
/// A step's sends are recorded (pending) in the same transaction that raises the alert's step, then
/// delivered, each channel on its own, so one channel being down never holds up another or the
/// escalation. A step that falls due while a silence matches the alert is recorded as suppressed and
/// held until the silence ends; the people a step notifies are resolved at the moment it is sent.
/// </summary>
public sealed partial class EscalationService(
    IAlertStore alerts,
    INotificationLog log,
    INotificationSender sender,
    ISilenceStore silences,
    RecipientResolver recipients,
    IEscalationPolicyStore policies,
    AckLinks ackLinks,
    PublicUrl publicUrl,
    IOptionsMonitor<EscalationOptions> escalationOptions,
    TimeProvider time,
    ILogger<EscalationService> logger)
{
    /// <summary>The API's acknowledge route (an operator key and a POST).</summary>
    public string AckUrl(Guid alertId) => $"{publicUrl.Base}/api/alerts/{alertId}/ack";

    /// <summary>
    /// Sends <paramref name="step"/> of the alert's plan if the alert still fires and no silence mutes
    /// it (the Durable activity and the local scheduler both call this, as often as they like).
    /// </summary>
    public async Task<StepOutcome> SendStepAsync(Guid alertId, EscalationStep step, CancellationToken cancellationToken)
    {
        var alert = await alerts.GetAsync(alertId, cancellationToken);
        if (alert is null || !EscalationPlanner.Continues(alert.State)) return StepOutcome.Stopped;
        if (step.Sequence == 0)
        {
            // An orchestration started before steps were numbered (levels only): its level's step of the alert's plan.
            if ((await PlanOfAsync(alert, cancellationToken)).Steps.FirstOrDefault(s => s.Level == step.Level && s.Cycle == 0) is not { } planned) return StepOutcome.Stopped;
            step = planned;
        }
        if (alert.EscalationStep >= step.Sequence) return new StepOutcome(StepResult.AlreadySent);
        var now = time.GetUtcNow();

        var (people, problems) = await recipients.ResolveAsync(alert.RuleTenantId, step.Notify, now, cancellationToken);
        foreach (var problem in problems) LogUnresolved(logger, alert.Rule, alert.GroupText, step.Level, problem);
        var sends = Sends(step, people);

        var labels = SilenceLabels.Of(alert);
        var muting = (await silences.ActiveAsync(now, alert.TenantId, cancellationToken)).Where(s => s.Matches(labels)).ToList();
        if (muting.Count > 0)
        {
            // The earliest end: the alert is looked at again then, in case another silence still holds.
            var until = muting.Min(s => s.EffectiveEnd);
            var reason = $"silenced by {string.Join(", ", muting.Select(s => s.Id))} until {Text.Time(until)}";
            if (!await alerts.HoldStepAsync(alertId, step, sends, reason, until, now, cancellationToken)) return StepOutcome.Stopped;
            LogHeld(logger, alert.Rule, alert.GroupText, step.Level, until);
            return new StepOutcome(StepResult.Held, until);
        }

        // Made before the step is recorded: once recorded, a failure here would leave the step sent
        // in the database but never delivered.
        var ackLink = await ackLinks.LinkAsync(alertId, cancellationToken);
        var records = await alerts.RecordStepAsync(alertId, step, sends, now, cancellationToken);
        if (records.Count == 0) return new StepOutcome(StepResult.AlreadySent);
        LogStepSent(logger, alert.Rule, alert.GroupText, step.Level, string.Join(", ", records.Select(r => r.Channel)));
        var message = new AlertMessage(alert with { EscalationLevel = step.Level, EscalationStep = step.Sequence }, step.Level, NotificationKind.Trigger, AckUrl(alertId))
        {
            LevelCount = alert.Plan?.LevelCount ?? step.Level,
            AckLink = ackLink,
            Recipients = people,
        };
        await DeliverAsync(message, records, cancellationToken);
        return new StepOutcome(StepResult.Sent);
    }

    /// <summary>
    /// The step's channels, and the channels its people's contact points add: a person with an
    /// e-mail address gets mail even where the step names no e-mail, and likewise Slack and Teams mentions.
    /// </summary>
    internal static IReadOnlyList<StepSend> Sends(EscalationStep step, IReadOnlyList<Recipient> people)
    {
        var channels = new List<string>(step.Channels);
        if (people.Any(p => p.Email is not null)) channels.Add(Channels.Email);
        if (people.Any(p => p.SlackUserId is not null)) channels.Add(Channels.Slack);
        if (people.Any(p => p.TeamsUpn is not null)) channels.Add(Channels.Teams);
        var ids = people.Select(p => p.Id).ToList();
        return [.. channels.Distinct(StringComparer.Ordinal).Select(c => new StepSend(c, ids))];
    }

    /// <summary>How long a claimed start is left to the run that claimed it before another may retry it.</summary>
    public static readonly TimeSpan StartLease = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The plan of a firing alert: as captured when it fired, or (for an alert that fired before
    /// plans were kept) planned now from the default policy.
    /// </summary>
    public async Task<EscalationPlan> PlanOfAsync(Alert alert, CancellationToken cancellationToken) =>
        alert.Plan ?? EscalationPlanner.Plan(alert, await policies.GetAsync(null, EscalationPolicy.DefaultName, cancellationToken)
            ?? EscalationPolicy.Default(escalationOptions.CurrentValue, time.GetUtcNow()));

    /// <summary>
    /// For the Functions app: hands each firing alert whose escalation is due to start (a Durable
    /// orchestration per alert, idempotent), then removes its due row; the orchestration takes it from
    /// there. The row was written in the transaction that fired the alert, so a run that dies before
    /// or during a start leaves it due, and the next run starts it (after the claim's lease).
    /// </summary>
    public async Task<int> StartDueEscalationsAsync(IEscalationSchedule schedule, Func<EscalationPlan, CancellationToken, Task> start, CancellationToken cancellationToken)
    {
        const int batch = 200;
        var started = 0;
        while (true)
        {
            var claims = await schedule.ClaimDueAsync(time.GetUtcNow(), StartLease, batch, cancellationToken);
            foreach (var claim in claims)
            {
                if (await alerts.GetAsync(claim.AlertId, cancellationToken) is { State: AlertState.Firing } alert)
                {
                    await start(await PlanOfAsync(alert, cancellationToken), cancellationToken);
                    started++;
                }
                await schedule.EndAsync(claim.AlertId, cancellationToken);
            }
            if (claims.Count < batch) return started;
        }
    }

    /// <summary>
    /// Tells the channels already notified that the alert was resolved; on acknowledgement only the
    /// incident tools (PagerDuty, Opsgenie) hear of it, as they keep incident state of their own.
    /// Silences do not mute these: they close what was opened before.
    /// </summary>
    public async Task NotifyStateChangeAsync(Guid alertId, NotificationKind kind, CancellationToken cancellationToken)
    {
        var alert = await alerts.GetAsync(alertId, cancellationToken);
        if (alert is null) return;
        var notified = alert.Notifications
            .Where(n => n.Kind == NotificationKind.Trigger && n.Status == DeliveryStatus.Sent)
            .Select(n => n.Channel)
            .Where(c => kind != NotificationKind.Acknowledge || Channels.IsIncidentTool(c))
            .Distinct()
            .ToList();
        if (notified.Count == 0) return;
        var now = time.GetUtcNow();
        var records = await log.AddAsync(alertId, 0, kind, notified, now, cancellationToken);
        // The people the triggers were for hear of it too (by id, as they are now); the configured
        // mail list only if some step sent it mail in its own right.
        var triggers = alert.Notifications.Where(n => n.Kind == NotificationKind.Trigger && n.Status == DeliveryStatus.Sent).ToList();
        var (people, _) = await recipients.ResolveAsync(alert.RuleTenantId, [.. triggers.SelectMany(n => n.Recipients).Distinct().Select(id => $"person:{id}")], now, cancellationToken);
        var mailToConfigured = alert.Plan is not { } plan
            || triggers.Any(n => n.Channel == Channels.Email && (n.Step is not { } step || plan.Find(step)?.Channels.Contains(Channels.Email) != false));
        // Stryker disable once NullCoalescing : a notice (level 0) never says "level n of m", so its level count is not read
        var message = new AlertMessage(alert, 0, kind, AckUrl(alertId)) { LevelCount = alert.Plan?.LevelCount ?? 0, Recipients = people };
        await DeliverAsync(message, records, cancellationToken, mailToConfigured);
    }

    /// <summary>Sends that were recorded but never completed (the host stopped mid-send) get another try.</summary>
    public async Task<int> RedeliverStaleAsync(CancellationToken cancellationToken)
    {
        var stale = await log.StalePendingAsync(time.GetUtcNow() - TimeSpan.FromMinutes(1), cancellationToken);
        foreach (var group in stale.GroupBy(s => s.AlertId))
        {
            var alert = await alerts.GetAsync(group.Key, cancellationToken);
            if (alert is null) continue;
            foreach (var byLevel in group.GroupBy(s => (s.Notification.Level, s.Notification.Kind)))
            {
                var message = new AlertMessage(alert, byLevel.Key.Level, byLevel.Key.Kind, AckUrl(alert.Id))
                {
                    LevelCount = alert.Plan?.LevelCount ?? byLevel.Key.Level,
                    AckLink = byLevel.Key.Kind == NotificationKind.Trigger ? await ackLinks.LinkAsync(alert.Id, cancellationToken) : null,
                };
                await DeliverAsync(message, [.. byLevel.Select(s => s.Notification)], cancellationToken);
            }
        }
        return stale.Count;
    }

    private async Task DeliverAsync(AlertMessage message, IReadOnlyList<NotificationRecord> records, CancellationToken cancellationToken, bool mailToConfigured = true)
    {
        var notification = AlertNotification.Build(message);
        // E-mail a step adds only for its people goes to them alone, not to the configured list.
        await Task.WhenAll(records.Select(async record =>
        {
            var stepChannels = message.Alert.Plan?.Find(record.Step ?? message.Alert.EscalationStep)?.Channels;
            var toPeopleOnly = message.Kind == NotificationKind.Trigger ? stepChannels is not null && !stepChannels.Contains(record.Channel) : !mailToConfigured;
            var result = await sender.SendAsync(record.Channel, toPeopleOnly ? notification with { MailToConfigured = false } : notification, cancellationToken);
            await log.CompleteAsync(record.Id, result.Status, result.Attempts,
                result.Status == DeliveryStatus.Sent ? time.GetUtcNow() : null, result.Error, cancellationToken);
            if (result.Status == DeliveryStatus.Failed)
            {
                LogDeliveryFailed(logger, message.Kind.ToName(), message.Alert.Rule, record.Channel, result.Attempts, result.Error ?? "");
            }
        }));
    }

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Alert {Rule} ({Group}): escalation level {Level} to {Channels}")]
    private static partial void LogStepSent(ILogger logger, string rule, string group, int level, string channels);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "{Kind} of alert {Rule} to {Channel} failed after {Attempts} attempts: {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, string kind, string rule, string channel, int attempts, string error);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Information, Message = "Alert {Rule} ({Group}): escalation level {Level} held by a silence until {Until}")]
    private static partial void LogHeld(ILogger logger, string rule, string group, int level, DateTimeOffset until);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Warning, Message = "Alert {Rule} ({Group}): escalation level {Level} cannot notify {Problem}")]
    private static partial void LogUnresolved(ILogger logger, string rule, string group, int level, string problem);
}
