using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Core.Conversations;
using Vigil.Core.Events;
using Vigil.Core.Jobs;
using Vigil.Core.Metrics;

namespace Vigil.Core.Alerts;

public sealed record EvaluationReport(int Rules, int Observations, int Opened, int Fired, int Resolved, IReadOnlyList<Alert> FiredAlerts, IReadOnlyList<Guid> StoppedAlerts);

/// <summary>
/// Timer function <c>EvaluateAlerts</c>: every enabled rule against the rollups, set-based — one
/// rollup query per distinct window returns every series, and each rule's groups are merged from
/// those in memory (shared between rules with the same window, filters and grouping) — then the
/// lifecycle decided for every (rule, group) and applied in one transaction under a lock.
/// </summary>
public sealed partial class AlertEvaluator(
    IAlertRuleStore ruleStore,
    IAlertStore alertStore,
    IRollupStore rollups,
    ISlaTargetStore slaTargets,
    IEscalationPolicyStore policies,
    IConversationStore conversations,
    EscalationService escalation,
    IOptionsMonitor<EscalationOptions> escalationOptions,
    IEscalationDriver driver,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : ITimerJob
{
    private static readonly IReadOnlyList<Dimension> SeriesDimensions =
        [Dimension.TenantId, Dimension.Bot, Dimension.Operation, Dimension.Model, Dimension.Type, Dimension.BatchJob];

    public string Name => TimerJobNames.EvaluateAlerts;
    public string ScheduleSetting => "AlertSchedule";
    public string DefaultSchedule => "10 */1 * * * *";

    public async Task<JobResult> RunAsync(CancellationToken cancellationToken) => Describe(await EvaluateAsync(cancellationToken));

    public static JobResult Describe(EvaluationReport report) =>
        new(
            $"evaluated {report.Rules} rules over {report.Observations} groups: {report.Opened} opened, {report.Fired} fired, {report.Resolved} resolved",
            new Dictionary<string, long>
            {
                ["rules"] = report.Rules,
                ["groups"] = report.Observations,
                ["opened"] = report.Opened,
                ["fired"] = report.Fired,
                ["resolved"] = report.Resolved,
            });

    public async Task<EvaluationReport> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // Decisions are made as of the minute, so a second run in the same minute decides the same.
        var evaluatedAt = Align.Floor(now, Resolution.Minute);
        var rules = (await ruleStore.ListAsync(TenantScope.All, cancellationToken)).Where(r => r.Enabled).ToList();
        var observations = await ObserveAsync(rules, now, cancellationToken);

        var changes = new List<AlertChange>();
        await using (var session = await alertStore.BeginEvaluationAsync(cancellationToken))
        {
            var open = (await session.OpenAlertsAsync(cancellationToken)).ToDictionary(a => (a.RuleTenantId, a.Rule, a.GroupKey));
            var longestCooldown = rules.Select(r => r.Cooldown).DefaultIfEmpty(TimeSpan.Zero).Max();
            var resolutions = await session.LastFiredResolutionsAsync(evaluatedAt - longestCooldown, cancellationToken);
            var seen = new HashSet<(string?, string, string)>();
            foreach (var rule in rules)
            {
                foreach (var observation in observations[(rule.TenantId, rule.Name)])
                {
                    var key = (rule.TenantId, rule.Name, observation.GroupKey);
                    seen.Add(key);
                    var change = AlertStateMachine.Decide(rule, observation, open.GetValueOrDefault(key),
                        resolutions.TryGetValue(key, out var r) ? r : null, evaluatedAt, now, () => Guid.CreateVersion7(now));
                    if (change is not null) changes.Add(change);
                }
            }
            var enabled = rules.ToDictionary(r => (r.TenantId, r.Name));
            foreach (var (key, alert) in open)
            {
                if (seen.Contains(key)) continue;
                var change = AlertStateMachine.Decide(enabled.GetValueOrDefault((key.RuleTenantId, key.Rule)), null, alert, null, evaluatedAt, now, () => Guid.Empty);
                if (change is not null) changes.Add(change);
            }
            changes = await WithPlansAsync(changes, rules, open.Values, now, cancellationToken);
            await session.ApplyAsync(changes, cancellationToken);
            await session.CommitAsync(cancellationToken);
        }

        var fired = new List<Alert>();
        foreach (var change in changes)
        {
            switch (change)
            {
                case OpenAlert { Alert.State: AlertState.Firing } o:
                    fired.Add(o.Alert);
                    break;
                case FireAlert f when await alertStore.GetAsync(f.Id, cancellationToken) is { } alert:
                    fired.Add(alert);
                    break;
            }
        }
        var resolved = changes.OfType<ResolveAlert>().ToList();
        foreach (var r in resolved.Where(r => r.WasFired))
        {
            await escalation.NotifyStateChangeAsync(r.Id, NotificationKind.Resolve, cancellationToken);
        }
        foreach (var alert in fired) LogFired(logger, alert.Rule, alert.GroupText, alert.Value ?? 0, alert.Threshold ?? 0);
        await driver.OnFiredAsync(fired, cancellationToken);

        return new EvaluationReport(rules.Count, observations.Values.Sum(o => o.Count), changes.OfType<OpenAlert>().Count(), fired.Count,
            resolved.Count, fired, [.. resolved.Select(r => r.Id)]);
    }

    /// <summary>
    /// Fixes the escalation of every alert that fires now from its rule's policy (one of the rule's
    /// scope, else a global one of that name, else the default), so later edits of the policy do
    /// not change it.
    /// </summary>
    private async Task<List<AlertChange>> WithPlansAsync(List<AlertChange> changes, List<AlertRule> rules, IEnumerable<Alert> open, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!changes.Any(c => c is FireAlert or OpenAlert { Alert.State: AlertState.Firing })) return changes;
        var byScope = (await policies.ListAsync(TenantScope.All, cancellationToken)).ToDictionary(p => (p.TenantId, p.Name));
        var fallback = byScope.GetValueOrDefault((null, EscalationPolicy.DefaultName)) ?? EscalationPolicy.Default(escalationOptions.CurrentValue, now);
        var ruleOf = rules.ToDictionary(r => (r.TenantId, r.Name));
        var openById = open.ToDictionary(a => a.Id);
        EscalationPolicy PolicyOf(string? tenant, string rule) =>
            ruleOf.GetValueOrDefault((tenant, rule)) is { } r
                ? byScope.GetValueOrDefault((r.TenantId, r.EscalationPolicyName)) ?? byScope.GetValueOrDefault((null, r.EscalationPolicyName)) ?? fallback
                : fallback;
        return [.. changes.Select(change => change switch
        {
            OpenAlert { Alert.State: AlertState.Firing } o => o with { Alert = o.Alert with { Plan = EscalationPlanner.Plan(o.Alert, PolicyOf(o.Alert.RuleTenantId, o.Rule)) } },
            FireAlert f when openById.TryGetValue(f.Id, out var a) =>
                f with { Plan = EscalationPlanner.Plan(a with { FiredAt = f.At }, PolicyOf(a.RuleTenantId, f.Rule)) },
            _ => change,
        })];
    }

    /// <summary>Every rule's observations, from one rollup query per distinct window.</summary>
    private async Task<Dictionary<(string?, string), List<Observation>>> ObserveAsync(List<AlertRule> rules, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = rules.ToDictionary(r => (r.TenantId, r.Name), _ => new List<Observation>());
        if (rules.Count == 0) return result;

        var series = new Dictionary<(DateTimeOffset, DateTimeOffset), IReadOnlyList<RollupGroup>>();
        async Task<IReadOnlyList<RollupGroup>> SeriesAsync(DateTimeOffset from, DateTimeOffset to, bool sketches)
        {
            if (!series.TryGetValue((from, to), out var groups))
            {
                groups = await rollups.QueryAsync(new RollupQuery(MetricWindow.Plan(from, to), new MetricFilter(), SeriesDimensions, sketches), cancellationToken);
                series[(from, to)] = groups;
            }
            return groups;
        }

        IReadOnlyDictionary<(string?, string, string), SlaTarget> targets = rules.Any(r => r.ThresholdFrom is not null)
            ? (await slaTargets.ListAsync(TenantScope.All, cancellationToken)).ToDictionary(t => (t.TenantId, t.Bot, t.Operation))
            : new Dictionary<(string?, string, string), SlaTarget>();
        var knownBots = rules.Any(r => r.Metric == AlertMetric.EventCount)
            ? await rollups.QueryAsync(new RollupQuery(MetricWindow.Plan(Align.CeilMinute(now) - TimeSpan.FromDays(7), Align.CeilMinute(now)), new MetricFilter(), [Dimension.TenantId, Dimension.Bot], WithSketches: false), cancellationToken)
            : [];

        // Rules sharing window, filters and grouping share one merge.
        var merged = new Dictionary<string, Dictionary<string, (IReadOnlyDictionary<string, string> Group, RollupCounters Counters)>>();
        var sketchesByWindow = rules.GroupBy(r => r.Window).ToDictionary(g => g.Key, g => g.Any(r => r.Metric.NeedsSketches()));
        foreach (var rule in rules.Where(r => r.Metric.IsConversation()))
        {
            var (from, to) = WindowOf(rule.Window, now);
            foreach (var (groupKey, group, totals) in await ConversationGroupsAsync(rule, from, to, cancellationToken))
            {
                var value = AlertMetrics.Compute(rule.Metric, totals);
                if (value.Value is not { } v || rule.Threshold is not { } threshold) continue;
                if (!rule.Metric.IsCount() && value.Samples < rule.MinSamples) continue;
                result[(rule.TenantId, rule.Name)].Add(new Observation(group, groupKey, v, threshold, rule.Holds(v, threshold)));
            }
        }
        foreach (var rule in rules.Where(r => !r.Metric.IsConversation()))
        {
            var (from, to) = WindowOf(rule.Window, now);
            var signature = Signature(rule, from, to);
            if (!merged.TryGetValue(signature, out var groups))
            {
                groups = Merge(rule, await SeriesAsync(from, to, sketchesByWindow[rule.Window]), targets);
                if (rule.Metric == AlertMetric.EventCount) AddSilentBots(rule, groups, knownBots);
                merged[signature] = groups;
            }
            Dictionary<string, (IReadOnlyDictionary<string, string> Group, RollupCounters Counters)>? previous = null;
            if (rule.Metric == AlertMetric.CostSpikeRatio)
            {
                var length = to - from;
                previous = Merge(rule, await SeriesAsync(from - length, from, false), targets);
            }
            foreach (var (groupKey, (group, counters)) in groups)
            {
                var value = AlertMetrics.Compute(rule.Metric, counters, previous?.GetValueOrDefault(groupKey).Counters);
                if (value.Value is not { } v) continue;
                if (!rule.Metric.IsCount() && value.Samples < rule.MinSamples) continue;
                double threshold;
                if (rule.Threshold is { } fixedThreshold)
                {
                    threshold = fixedThreshold;
                }
                else if (SlaTargetOf(rule, group, targets) is { } target)
                {
                    threshold = rule.ThresholdFrom switch { SlaThreshold.P50 => target.P50Ms, SlaThreshold.P95 => target.P95Ms, _ => target.P99Ms };
                }
                else
                {
                    continue;
                }
                result[(rule.TenantId, rule.Name)].Add(new Observation(group, groupKey, v, threshold, rule.Holds(v, threshold)));
            }
        }
        return result;
    }

    /// <summary>
    /// A conversation metric's groups, from the scored conversations active in the window: grouped and
    /// filtered by tenant and bot (the dimensions a conversation has); other group_by dimensions are empty.
    /// </summary>
    private async Task<List<(string Key, IReadOnlyDictionary<string, string> Group, ConversationTotals Totals)>> ConversationGroupsAsync(
        AlertRule rule, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var filters = rule.EffectiveFilters();
        var rows = await conversations.TotalsAsync(from, to, rule.GroupBy.Contains(Dimension.TenantId), rule.GroupBy.Contains(Dimension.Bot),
            filters.Get(Dimension.TenantId), filters.Get(Dimension.Bot), cancellationToken);
        var groups = new List<(string, IReadOnlyDictionary<string, string>, ConversationTotals)>();
        foreach (var row in rows)
        {
            var group = rule.GroupBy.ToDictionary(d => d.ToName(), d => d switch
            {
                Dimension.TenantId => row.TenantId ?? "",
                Dimension.Bot => row.Bot ?? "",
                _ => "",
            });
            groups.Add((Alert.KeyOf(group), group, row.Totals));
        }
        return groups;
    }

    private static (DateTimeOffset From, DateTimeOffset To) WindowOf(TimeSpan length, DateTimeOffset now)
    {
        var to = Align.CeilMinute(now);
        var from = to - TimeSpan.FromMinutes(Math.Ceiling(length.TotalMinutes));
        if (length > MetricWindow.MinutePrecisionLimit) from = Align.Floor(from, Resolution.Hour);
        return (from, to);
    }

    // Stryker disable once Linq : any fixed order makes the signature canonical; it is only compared with other signatures
    private static string Signature(AlertRule rule, DateTimeOffset from, DateTimeOffset to) =>
        $"{from:O}|{to:O}|{rule.Metric.ImpliedType()}|{MeasuresSlaTypes(rule)}|{string.Join(',', rule.GroupBy)}|" +
        string.Join(';', rule.EffectiveFilters().Values.OrderBy(f => f.Key).Select(f => $"{f.Key}={string.Join(',', f.Value.Order(StringComparer.Ordinal))}"));

    /// <summary>
    /// An SLA-threshold rule without a type filter measures what its targets measure: each
    /// series counts only if its type is one of the event types of the target that applies to it.
    /// </summary>
    private static bool MeasuresSlaTypes(AlertRule rule) => rule.ThresholdFrom is not null && rule.Filters.Get(Dimension.Type) is null;

    /// <summary>The SLA target of a rule's group: the tenant's own (the rule's, or the group's), else the global one.</summary>
    private static SlaTarget? SlaTargetOf(AlertRule rule, IReadOnlyDictionary<string, string> group, IReadOnlyDictionary<(string?, string, string), SlaTarget> targets) =>
        group.TryGetValue("bot", out var bot) && group.TryGetValue("operation", out var operation) ? SlaTarget.Resolve(targets, rule.TenantOf(group), bot, operation) : null;

    private static Dictionary<string, (IReadOnlyDictionary<string, string>, RollupCounters)> Merge(AlertRule rule, IReadOnlyList<RollupGroup> series,
        IReadOnlyDictionary<(string?, string, string), SlaTarget> targets)
    {
        var impliedType = rule.Metric.ImpliedType()?.ToName();
        var filters = rule.EffectiveFilters();
        var slaTypes = MeasuresSlaTypes(rule);
        var groups = new Dictionary<string, (IReadOnlyDictionary<string, string>, RollupCounters)>(StringComparer.Ordinal);
        foreach (var s in series)
        {
            if (impliedType is not null && s.Key[Dimension.Type] != impliedType) continue;
            if (!Matches(filters, s.Key)) continue;
            var group = rule.GroupBy.ToDictionary(d => d.ToName(), d => s.Key[d]);
            if (slaTypes && SlaTargetOf(rule, group, targets)?.EventTypes.Contains(s.Key[Dimension.Type]) != true) continue;
            var key = Alert.KeyOf(group);
            if (!groups.TryGetValue(key, out var entry)) groups[key] = entry = (group, new RollupCounters());
            entry.Item2.Merge(s.Counters);
        }
        return groups;
    }

    private static bool Matches(MetricFilter filter, IReadOnlyDictionary<Dimension, string> key)
    {
        foreach (var (dimension, values) in filter.Values)
        {
            if (!key.TryGetValue(dimension, out var value) || Array.IndexOf(values, value) < 0) return false;
        }
        return true;
    }

    /// <summary>A bot seen in the last 7 days with nothing in the window counts as 0, so silence can alert.</summary>
    private static void AddSilentBots(AlertRule rule, Dictionary<string, (IReadOnlyDictionary<string, string> Group, RollupCounters Counters)> groups, IReadOnlyList<RollupGroup> knownBots)
    {
        if (!rule.GroupBy.Contains(Dimension.Bot) || rule.GroupBy.Any(d => d is not (Dimension.Bot or Dimension.TenantId))) return;
        foreach (var known in knownBots)
        {
            if (!Matches(new MetricFilter().WithOnly(rule.EffectiveFilters(), Dimension.TenantId, Dimension.Bot), known.Key)) continue;
            var group = rule.GroupBy.ToDictionary(d => d.ToName(), d => known.Key[d]);
            var key = Alert.KeyOf(group);
            if (!groups.ContainsKey(key)) groups[key] = (group, new RollupCounters());
        }
    }

    [LoggerMessage(EventId = 1311, Level = LogLevel.Warning, Message = "Alert {Rule} fired for {Group}: value {Value} against {Threshold}")]
    private static partial void LogFired(ILogger logger, string rule, string group, double value, double threshold);
}

internal static class MetricFilterExtensions
{
    /// <summary>The part of <paramref name="source"/> about the given dimensions.</summary>
    public static MetricFilter WithOnly(this MetricFilter target, MetricFilter source, params Dimension[] dimensions)
    {
        foreach (var d in dimensions)
        {
            if (source.Get(d) is { } values) target.With(d, values);
        }
        return target;
    }
}
