using Vigil.Core.Events;
using Vigil.Core.Incidents;
using Vigil.Core.Metrics;
using Vigil.Core.Pricing;

namespace Vigil.Core.Reviews;

/// <summary>
/// Builds the weekly review from the rollups only: the event rollups (rates, latency sketches,
/// cost), the SLA targets, the distinct-count sketches and the conversation hour rows, for the
/// window and the previous window of the same length, then pairs every figure.
/// </summary>
public sealed class ReviewService(IRollupStore rollups, IReviewStore reviews, MetricsService metrics, PriceTable prices, IncidentReportService incidents)
{
    private static readonly Dimension[] Breakdown = [Dimension.Bot, Dimension.Model, Dimension.Type, Dimension.ToolName, Dimension.CacheHit];

    /// <summary>
    /// The previous window: the same length, ending where <paramref name="window"/> starts. Minute
    /// rollups are kept 8 days, so a start more than 7 days before the window's end is floored to the
    /// hour (the same rule as windows longer than 7 days).
    /// </summary>
    public static MetricWindow PreviousOf(MetricWindow window)
    {
        var from = window.From - (window.To - window.From);
        if (window.To - from > MetricWindow.MinutePrecisionLimit) from = Align.Floor(from, Resolution.Hour);
        return new MetricWindow(window.Text, from, window.From);
    }

    /// <param name="tenant">The one tenant reviewed, or null for every tenant (an unbound key that named none).</param>
    public async Task<ReviewReport> BuildAsync(MetricWindow window, string? tenant, CancellationToken cancellationToken)
    {
        var previousWindow = PreviousOf(window);
        // The two windows' queries are independent: run side by side, each on its own connection.
        var current = SnapshotAsync(window, tenant, cancellationToken);
        var previous = SnapshotAsync(previousWindow, tenant, cancellationToken);
        var completeUpTo = rollups.CompleteUpToAsync(cancellationToken);
        // The same scopes as GET /api/reports/incidents: one tenant, or every scope for an unbound key naming none.
        var scope = tenant is null ? TenantScope.All : TenantScope.Of(tenant);
        var incidentsNow = incidents.ComputeAsync(scope, window.From, window.To, IncidentGrouping.Rule, cancellationToken);
        var incidentsBefore = incidents.ComputeAsync(scope, previousWindow.From, previousWindow.To, null, cancellationToken);
        await Task.WhenAll(current, previous, completeUpTo, incidentsNow, incidentsBefore);
        return Compose(window, previousWindow, tenant, await current, await previous, await completeUpTo) with
        {
            Incidents = IncidentsOf(await incidentsNow, await incidentsBefore),
        };
    }

    internal static ReviewIncidents IncidentsOf(IncidentReport current, IncidentReport previous)
    {
        var c = current.Totals;
        var p = previous.Totals;
        return new ReviewIncidents(
            ReviewFigure.Of(c.Count, p.Count),
            ReviewFigure.Checked(c.MttdSeconds, p.MttdSeconds, ReviewTargets.MttdSeconds, below: true),
            ReviewFigure.Of(c.MttaSeconds, p.MttaSeconds),
            ReviewFigure.Checked(c.MttrSeconds, p.MttrSeconds, ReviewTargets.MttrSeconds, below: true),
            ReviewFigure.Of(c.AckBreaches, p.AckBreaches),
            [.. current.Groups.Take(ReviewTargets.ListLimit)]);
    }

    private async Task<Snapshot> SnapshotAsync(MetricWindow window, string? tenant, CancellationToken cancellationToken)
    {
        var filter = new MetricFilter();
        if (tenant is not null) filter.With(Dimension.TenantId, tenant);
        string[]? tenants = tenant is null ? null : [tenant];
        var groups = rollups.QueryAsync(new RollupQuery(window.Plan(), filter, Breakdown), cancellationToken);
        var sla = metrics.SlaAsync(window, filter, tenant, cancellationToken);
        var distinct = reviews.DistinctAsync(window.Plan(), tenants, cancellationToken);
        var conversations = reviews.ConversationsAsync(window.From, window.To, tenants, ReviewTargets.ListLimit, cancellationToken);
        await Task.WhenAll(groups, sla, distinct, conversations);
        return new Snapshot(await groups, (await sla).Results, await distinct, await conversations, prices);
    }

    internal static ReviewReport Compose(MetricWindow window, MetricWindow previousWindow, string? tenant, Snapshot current, Snapshot previous, DateTimeOffset? completeUpTo)
    {
        var now = current.All;
        var before = previous.All;
        var sla = new ReviewSla(
            ReviewFigure.Checked(Ms(now.Ttft.Quantile(0.95)), Ms(before.Ttft.Quantile(0.95)), ReviewTargets.TtftP95Ms, below: true),
            ReviewFigure.Checked(Rate(now.ErrorRate), Rate(before.ErrorRate), ReviewTargets.ErrorRate, below: true),
            ReviewFigure.Checked(Rate(now.SatisfactionRate), Rate(before.SatisfactionRate), ReviewTargets.SatisfactionRate, below: false),
            null, now.Events, before.Events);
        var checks = new[] { sla.TtftP95Ms.Pass, sla.ErrorRate.Pass, sla.SatisfactionRate.Pass }.OfType<bool>().ToList();
        sla = sla with { Passed = checks.Count == 0 ? null : checks.All(p => p) };

        var previousTargets = previous.Sla.ToDictionary(t => (t.TenantId, t.Bot, t.Operation));
        var slaTargets = current.Sla
            .Select(t =>
            {
                var p = previousTargets.GetValueOrDefault((t.TenantId, t.Bot, t.Operation));
                return new ReviewSlaTarget(t.TenantId, t.Bot, t.Operation, t.Target.P95Ms ?? 0, t.Status, p?.Status ?? "no_data",
                    ReviewFigure.Checked(t.Actual.P95Ms, p?.Actual.P95Ms, t.Target.P95Ms ?? 0, below: false) with
                    {
                        // At or under the target passes (GET /api/sla counts only "exceeds" as a violation).
                        Comparison = "<=",
                        Pass = t.Actual.P95Ms is { } a ? a <= t.Target.P95Ms : null,
                        PreviousPass = p?.Actual.P95Ms is { } b ? b <= t.Target.P95Ms : null,
                    },
                    t.Violations);
            })
            .ToList();

        var sessions = current.Sessions.Count;
        var previousSessions = previous.Sessions.Count;
        var growth = new ReviewGrowth(
            ReviewFigure.Of(sessions, previousSessions),
            ReviewFigure.Of(current.Users.Count, previous.Users.Count),
            ReviewFigure.Of(current.Messages, previous.Messages),
            ReviewFigure.Of(PerSession(current.Messages, sessions), PerSession(previous.Messages, previousSessions)),
            Math.Round(DistinctSketch.RelativeStandardError, 6));

        var bots = current.ByBot.Keys.Union(previous.ByBot.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(bot =>
            {
                var c = current.ByBot.GetValueOrDefault(bot) ?? new RollupCounters();
                var p = previous.ByBot.GetValueOrDefault(bot) ?? new RollupCounters();
                return new ReviewBot(bot,
                    ReviewFigure.Of(c.Events, p.Events),
                    ReviewFigure.Checked(Rate(c.ErrorRate), Rate(p.ErrorRate), ReviewTargets.ErrorRate, below: true),
                    ReviewFigure.Checked(Rate(c.SatisfactionRate), Rate(p.SatisfactionRate), ReviewTargets.SatisfactionRate, below: false),
                    ReviewFigure.Checked(Ms(c.Ttft.Quantile(0.95)), Ms(p.Ttft.Quantile(0.95)), ReviewTargets.TtftP95Ms, below: true),
                    ReviewFigure.Of(current.SessionsOf(bot), previous.SessionsOf(bot)),
                    ReviewFigure.Of(current.UsersOf(bot), previous.UsersOf(bot)),
                    ReviewFigure.Of(c.Negative, p.Negative));
            })
            .ToList();

        var negativeBots = current.ByBot
            .Where(b => b.Value.Negative > 0)
            .Select(b => new ReviewNegativeBot(b.Key, b.Value.Negative, b.Value.Positive, Rate(b.Value.Negative / (double)(b.Value.Negative + b.Value.Positive)),
                previous.ByBot.GetValueOrDefault(b.Key)?.Negative ?? 0))
            .OrderByDescending(b => b.Negative).ThenBy(b => b.Bot, StringComparer.Ordinal)
            .Take(ReviewTargets.ListLimit)
            .ToList();
        var previousTools = previous.Conversations.Tools.ToDictionary(t => t.ToolName, StringComparer.Ordinal);
        var negativeTools = current.Conversations.Tools
            .Where(t => t.Negative > 0)
            .Select(t => new ReviewNegativeTool(t.ToolName, t.Negative, t.Positive, t.Conversations, previousTools.GetValueOrDefault(t.ToolName)?.Negative ?? 0))
            .OrderByDescending(t => t.Negative).ThenBy(t => t.ToolName, StringComparer.Ordinal)
            .Take(ReviewTargets.ListLimit)
            .ToList();

        var misrouted = new ReviewMisrouted(ReviewFigure.Of(current.Conversations.Misrouted, previous.Conversations.Misrouted),
            ReviewTargets.MisroutedBots, current.Conversations.TopMisrouted);

        var toolNames = current.ByTool.Keys.Union(previous.ByTool.Keys)
            .Union(current.Conversations.Tools.Select(t => t.ToolName)).Union(previous.Conversations.Tools.Select(t => t.ToolName))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var currentTools = current.Conversations.Tools.ToDictionary(t => t.ToolName, StringComparer.Ordinal);
        var tools = toolNames
            .Select(name =>
            {
                var c = current.ByTool.GetValueOrDefault(name) ?? new RollupCounters();
                var p = previous.ByTool.GetValueOrDefault(name) ?? new RollupCounters();
                var cc = currentTools.GetValueOrDefault(name);
                var pc = previousTools.GetValueOrDefault(name);
                return new ReviewTool(name,
                    ReviewFigure.Of(c.Calls, p.Calls),
                    ReviewFigure.Of(Rate(c.ErrorRate), Rate(p.ErrorRate)),
                    ReviewFigure.Of(Ms(c.Duration.Quantile(0.95)), Ms(p.Duration.Quantile(0.95))),
                    ReviewFigure.Of(cc?.Conversations ?? 0, pc?.Conversations ?? 0),
                    ReviewFigure.Of(Satisfaction(cc), Satisfaction(pc)));
            })
            .ToList();

        var cost = new ReviewCost(
            ReviewFigure.Of(Usd(now.CostUsd), Usd(before.CostUsd)),
            ReviewFigure.Of(Usd(current.TotalSaved), Usd(previous.TotalSaved)),
            CostGroups(current.CostByType, previous.CostByType),
            CostGroups(current.CostByModel, previous.CostByModel));

        return new ReviewReport(window.Text, window.From, window.To, new ReviewPeriod(previousWindow.From, previousWindow.To), tenant,
            sla, slaTargets, growth, bots, new ReviewNegativeFeedback(negativeBots, negativeTools), misrouted, tools, cost, NoIncidents, completeUpTo);
    }

    /// <summary>Until <see cref="BuildAsync"/> adds the incident report, which Compose (pure, over the rollups' data) does not read.</summary>
    private static readonly ReviewIncidents NoIncidents = IncidentsOf(NoIncidentReport, NoIncidentReport);

    private static IncidentReport NoIncidentReport => new(default, default, null, new IncidentFigures(0, null, null, null, 0), []);

    private static List<ReviewCostGroup> CostGroups(IReadOnlyDictionary<string, CostTotals> current, IReadOnlyDictionary<string, CostTotals> previous) =>
        [.. current.Keys.Union(previous.Keys, StringComparer.Ordinal)
            .Select(k => (Key: k, C: current.GetValueOrDefault(k), P: previous.GetValueOrDefault(k)))
            .Where(g => (g.C?.Calls ?? 0) + (g.P?.Calls ?? 0) > 0 || (g.C?.CostUsd ?? 0) + (g.P?.CostUsd ?? 0) > 0)
            .OrderByDescending(g => g.C?.CostUsd ?? 0).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ReviewCostGroup(g.Key,
                ReviewFigure.Of(Usd(g.C?.CostUsd ?? 0), Usd(g.P?.CostUsd ?? 0)),
                ReviewFigure.Of(Usd(g.C?.Saved ?? 0), Usd(g.P?.Saved ?? 0)),
                ReviewFigure.Of(g.C?.Calls ?? 0, g.P?.Calls ?? 0)))];

    private static double? Satisfaction(ToolConversations? t) =>
        t is null || t.Positive + t.Negative == 0 ? null : Rate(t.Positive / (double)(t.Positive + t.Negative));

    private static double? PerSession(long messages, long sessions) => sessions == 0 ? null : Math.Round(messages / (double)sessions, 6);

    private static double? Ms(double? value) => value is { } v ? Math.Round(v, 3) : null;

    private static double? Rate(double? value) => value is { } v ? Math.Round(v, 6) : null;

    private static double Usd(decimal value) => (double)decimal.Round(value, 6);

    /// <summary>A cost group's totals: calls are the events that carried a cost (priced or not).</summary>
    internal sealed record CostTotals(decimal CostUsd, decimal Saved, long Calls);

    /// <summary>One window's data, folded into the totals the figures are made of.</summary>
    internal sealed class Snapshot
    {
        public Snapshot(IReadOnlyList<RollupGroup> groups, IReadOnlyList<SlaResultItem> sla, IReadOnlyList<DistinctGroup> distinct,
            ConversationFigures conversations, PriceTable prices)
        {
            Sla = sla;
            Conversations = conversations;
            var byType = new Dictionary<string, CostTotals>(StringComparer.Ordinal);
            var byModel = new Dictionary<string, CostTotals>(StringComparer.Ordinal);
            foreach (var g in groups)
            {
                var c = g.Counters;
                All.Merge(c);
                var bot = g.Key[Dimension.Bot];
                if (!ByBot.TryGetValue(bot, out var perBot)) ByBot[bot] = perBot = new RollupCounters();
                perBot.Merge(c);
                var type = g.Key[Dimension.Type];
                if (type == EventType.Message.ToName()) Messages += c.Events;
                if (type == EventType.ToolCall.ToName() && g.Key[Dimension.ToolName] is { Length: > 0 } tool)
                {
                    if (!ByTool.TryGetValue(tool, out var perTool)) ByTool[tool] = perTool = new RollupCounters();
                    perTool.Merge(c);
                }
                var saved = Pricing.CacheSavings.Of(g, prices);
                Add(byType, type, c, saved);
                Add(byModel, g.Key[Dimension.Model], c, saved);
                TotalSaved += saved;
            }
            CostByType = byType;
            CostByModel = byModel;
            foreach (var d in distinct)
            {
                Sessions.Merge(d.Sessions);
                Users.Merge(d.Users);
                if (!_sessionsByBot.TryGetValue(d.Bot, out var s)) _sessionsByBot[d.Bot] = s = (new DistinctSketch(), new DistinctSketch());
                s.Sessions.Merge(d.Sessions);
                s.Users.Merge(d.Users);
            }
        }

        private readonly Dictionary<string, (DistinctSketch Sessions, DistinctSketch Users)> _sessionsByBot = new(StringComparer.Ordinal);

        public RollupCounters All { get; } = new();
        public Dictionary<string, RollupCounters> ByBot { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, RollupCounters> ByTool { get; } = new(StringComparer.Ordinal);
        public long Messages { get; }
        public IReadOnlyList<SlaResultItem> Sla { get; }
        public ConversationFigures Conversations { get; }
        public DistinctSketch Sessions { get; } = new();
        public DistinctSketch Users { get; } = new();
        public decimal TotalSaved { get; }
        public IReadOnlyDictionary<string, CostTotals> CostByType { get; }
        public IReadOnlyDictionary<string, CostTotals> CostByModel { get; }

        public long SessionsOf(string bot) => _sessionsByBot.TryGetValue(bot, out var s) ? s.Sessions.Count : 0;

        public long UsersOf(string bot) => _sessionsByBot.TryGetValue(bot, out var s) ? s.Users.Count : 0;

        private static void Add(Dictionary<string, CostTotals> totals, string key, RollupCounters c, decimal saved)
        {
            var t = totals.GetValueOrDefault(key) ?? new CostTotals(0, 0, 0);
            totals[key] = new CostTotals(t.CostUsd + c.CostUsd, t.Saved + saved, t.Calls + c.CostEvents);
        }
    }
}
