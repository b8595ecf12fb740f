using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Core.Budgets;
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
    IBatchJobStore batchJobs,
    EscalationService escalation,
    IOptionsMonitor<EscalationOptions> escalationOptions,
    IEscalationDriver driver,
    TimeProvider time,
    ILogger<AlertEvaluator> logger) : ITimerJob
{
    /// <summary>
    /// Late enough after a baseline window ends that its events are rolled up (ingest lag plus a
    /// ComputeRollups run): a baseline computed later is reused until the next window completes.
    /// </summary>
    private static readonly TimeSpan BaselineSettle = TimeSpan.FromMinutes(5);

    /// <summary>cost_zscore baselines by rule shape and last baseline window; a 5m rule would otherwise re-read 7 days every minute.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset ComputedAt, Dictionary<string, CostZScore.Baseline?> Baselines)>
        _baselines = new(StringComparer.Ordinal);

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
            changes = await WithBreachOnsetsAsync(changes, rules, now, evaluatedAt, cancellationToken);
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

    /// <summary>
    /// Dates every newly opened alert's breach back to the first breaching minute of its window
    /// (<see cref="BreachOnset"/>): one bucketed rollup query per rule that opened alerts, which is
    /// rare, so the minute-by-minute read costs nothing on the evaluations where nothing opens.
    /// </summary>
    private async Task<List<AlertChange>> WithBreachOnsetsAsync(List<AlertChange> changes, List<AlertRule> rules, DateTimeOffset now,
        DateTimeOffset evaluatedAt, CancellationToken cancellationToken)
    {
        var opened = changes.OfType<OpenAlert>().Where(o => o.Alert.Threshold is not null).ToList();
        if (opened.Count == 0) return changes;
        var ruleOf = rules.ToDictionary(r => (r.TenantId, r.Name));
        IReadOnlyDictionary<(string?, string, string), SlaTarget>? targets = null;
        var onsets = new Dictionary<Guid, DateTimeOffset>();
        foreach (var byRule in opened.GroupBy(o => (o.Alert.RuleTenantId, o.Rule)))
        {
            if (!ruleOf.TryGetValue(byRule.Key, out var rule) || !rule.Metric.IsFromBuckets()) continue;
            if (rule.ThresholdFrom is not null)
            {
                targets ??= (await slaTargets.ListAsync(TenantScope.All, cancellationToken)).ToDictionary(t => (t.TenantId, t.Bot, t.Operation));
            }
            var (from, to) = WindowOf(rule.Window, now);
            var step = BreachOnset.StepFor(rule.Window);
            // Grouped by type too, as the evaluation's series are: type filters and SLA event types apply to it.
            var query = new TimeSeriesQuery(new TimeSeriesWindow(default, step, from, to).Plan(), step, rule.EffectiveFilters(), SeriesDimensions, [rule.Metric]);
            var perBucket = (await rollups.QueryBucketsAsync(query, cancellationToken))
                .GroupBy(b => b.Start)
                .ToDictionary(g => g.Key, g => Merge(rule, [.. g.Select(b => new RollupGroup(b.Key, b.Counters))],
                    targets ?? new Dictionary<(string?, string, string), SlaTarget>()));
            foreach (var o in byRule)
            {
                var buckets = perBucket.Where(b => b.Value.ContainsKey(o.GroupKey)).ToDictionary(b => b.Key, b => b.Value[o.GroupKey].Item2);
                onsets[o.Alert.Id] = BreachOnset.Find(rule, o.Alert.Threshold!.Value, buckets, from, to, step, evaluatedAt);
            }
        }
        return [.. changes.Select(c => c is OpenAlert o && onsets.TryGetValue(o.Alert.Id, out var onset)
            ? o with { Alert = o.Alert with { BreachStartedAt = onset } }
            : c)];
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

        var health = new Dictionary<DateTimeOffset, IReadOnlyList<BatchJobHealth>>();
        async Task<IReadOnlyList<BatchJobHealth>> HealthAsync(DateTimeOffset completedFrom)
        {
            if (!health.TryGetValue(completedFrom, out var jobs))
            {
                jobs = await batchJobs.HealthAsync(TenantScope.All, completedFrom, cancellationToken);
                health[completedFrom] = jobs;
            }
            return jobs;
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
        foreach (var rule in rules.Where(r => r.Metric.IsBatchRun()))
        {
            var (from, _) = WindowOf(rule.Window, now);
            foreach (var (groupKey, group, jobs) in BatchGroups(rule, await HealthAsync(from)))
            {
                var value = AlertMetrics.Compute(rule.Metric, jobs, now);
                if (value.Value is not { } v || rule.Threshold is not { } threshold) continue;
                if (rule.Metric == AlertMetric.BatchRunFailed && value.Samples < rule.MinSamples) continue;
                result[(rule.TenantId, rule.Name)].Add(new Observation(group, groupKey, v, threshold, rule.Holds(v, threshold)));
            }
        }
        foreach (var rule in rules.Where(r => !r.Metric.IsConversation() && !r.Metric.IsBatchRun()))
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
            var baselines = rule.Metric == AlertMetric.CostZScore ? await CostBaselinesAsync(rule, from, to, now, cancellationToken) : null;
            foreach (var (groupKey, (group, counters)) in groups)
            {
                var value = baselines is null
                    ? AlertMetrics.Compute(rule.Metric, counters, previous?.GetValueOrDefault(groupKey).Counters)
                    : new MetricValue(CostZScore.Of(counters.CostUsd, counters.CostEvents, baselines.GetValueOrDefault(groupKey)),
                        counters.CostEvents);
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

    /// <summary>
    /// The cost_zscore baseline of every group of the rule: the complete windows of the rule's length
    /// (aligned to 2000-01-01 UTC like the time series buckets, so whole hours and days read the hour
    /// and day rollups) that lie in the 7 days before now and end by the window's start, from one
    /// bucketed rollup query. Null for a group whose baseline fails the guard. The windows end by
    /// the last bucket boundary, so the baseline changes only when one more window completes: it is
    /// read again then (and once more <see cref="BaselineSettle"/> after, for the events still
    /// arriving for that window), not every minute. Events later than that reach the next baseline.
    /// </summary>
    private async Task<Dictionary<string, CostZScore.Baseline?>> CostBaselinesAsync(AlertRule rule, DateTimeOffset from, DateTimeOffset to,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var length = to - from;
        var probe = new TimeSeriesWindow(default, length, from, to);
        var earliest = to - CostZScore.Lookback;
        var first = probe.BucketOf(earliest) == earliest ? earliest : probe.BucketOf(earliest) + length;
        var last = probe.BucketOf(from);
        var cacheKey = $"{rule.TenantId}|{rule.Name}|{DurationText.Format(length)}|{Signature(rule, last, last)}";
        if (_baselines.TryGetValue(cacheKey, out var cached) && cached.ComputedAt >= last + BaselineSettle) return cached.Baselines;
        var result = new Dictionary<string, CostZScore.Baseline?>(StringComparer.Ordinal);
        if (last <= first) return result;
        var window = new TimeSeriesWindow(default, length, first, last);
        var rows = await rollups.QueryBucketsAsync(
            new TimeSeriesQuery(window.Plan(), length, rule.EffectiveFilters(), rule.GroupBy, [AlertMetric.CostUsd]), cancellationToken);
        var windows = new Dictionary<string, Dictionary<DateTimeOffset, (decimal Cost, long Calls)>>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var key = Alert.KeyOf(rule.GroupBy.ToDictionary(d => d.ToName(), d => row.Key[d]));
            if (!windows.TryGetValue(key, out var byStart)) windows[key] = byStart = [];
            var sum = byStart.GetValueOrDefault(row.Start);
            byStart[row.Start] = (sum.Cost + row.Counters.CostUsd, sum.Calls + row.Counters.CostEvents);
        }
        foreach (var (key, byStart) in windows) result[key] = CostZScore.BaselineOf(byStart.Values);
        // Entries of earlier windows are replaced under their own key, so the cache holds one per rule shape.
        foreach (var stale in _baselines.Keys.Where(k => k.StartsWith($"{rule.TenantId}|{rule.Name}|", StringComparison.Ordinal) && k != cacheKey))
        {
            _baselines.TryRemove(stale, out _);
        }
        _baselines[cacheKey] = (now, result);
        return result;
    }

    /// <summary>
    /// A batch-run rule's groups: each job of the rule's scope (a tenant's rule: its tenant's jobs) that
    /// its batch_job and tenant_id filters admit, keyed by the rule's group_by (batch_job, and
    /// tenant_id to tell apart jobs of the same name in different tenants; a global job's tenant_id is
    /// ""). Jobs sharing a group are measured together (<see cref="AlertMetrics.Compute(AlertMetric, IReadOnlyList{BatchJobHealth}, DateTimeOffset)"/>).
    /// </summary>
    private static List<(string Key, IReadOnlyDictionary<string, string> Group, IReadOnlyList<BatchJobHealth> Jobs)> BatchGroups(AlertRule rule,
        IReadOnlyList<BatchJobHealth> jobs)
    {
        var filters = rule.EffectiveFilters();
        var groups = new Dictionary<string, (IReadOnlyDictionary<string, string> Group, List<BatchJobHealth> Jobs)>(StringComparer.Ordinal);
        foreach (var health in jobs)
        {
            var tenant = health.Job.TenantId ?? "";
            if (rule.TenantId is not null && health.Job.TenantId != rule.TenantId) continue;
            if (filters.Get(Dimension.TenantId) is { } tenants && !tenants.Contains(tenant)) continue;
            if (filters.Get(Dimension.BatchJob) is { } names && !names.Contains(health.Job.Name)) continue;
            var group = rule.GroupBy.ToDictionary(d => d.ToName(), d => d == Dimension.TenantId ? tenant : health.Job.Name);
            var key = Alert.KeyOf(group);
            if (!groups.TryGetValue(key, out var entry)) groups[key] = entry = (group, []);
            entry.Jobs.Add(health);
        }
        return [.. groups.Select(g => (g.Key, g.Value.Group, (IReadOnlyList<BatchJobHealth>)g.Value.Jobs))];
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
