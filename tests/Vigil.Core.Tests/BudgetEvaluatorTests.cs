using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Core.Alerts;
using Vigil.Core.Budgets;
using Vigil.Core.Metrics;
using Vigil.Core.Notifications;

namespace Vigil.Core.Tests;

/// <summary>
/// The budget timer without a database: spend comes from a rollup store that reports one sum, the
/// crossings and notifications go to an in-memory store, sends to a sender that records them.
/// </summary>
public class BudgetEvaluatorTests
{
    // 10 days into a 30-day month: the forecast is three times the spend.
    private static readonly DateTimeOffset Now = new(2026, 11, 11, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset PeriodStart = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private sealed record Recorded(ThresholdCrossing Crossing, IReadOnlyList<string> Channels, BatchJobSelection ToDisable, string Reason, string ReasonElsewhere);

    private sealed class Budgets : IBudgetStore
    {
        private long _nextId;
        public List<Budget> All { get; } = [];
        public List<Recorded> Crossings { get; } = [];
        public HashSet<string> AlreadyCrossed { get; } = [];
        public IReadOnlyList<string> DisablesJobs { get; set; } = [];
        public List<(long Id, DeliveryStatus Status, int Attempts, DateTimeOffset? SentAt, string? Error)> Completed { get; } = [];
        public List<(ThresholdCrossing, BudgetNotificationRecord)> Stale { get; } = [];
        public DateTimeOffset? StaleOlderThan { get; private set; }

        public Task<IReadOnlyList<Budget>> ListAsync(TenantScope scope, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Budget>>(All);

        public Task<CrossingRecorded?> RecordCrossingAsync(ThresholdCrossing crossing, IReadOnlyList<string> channels, BatchJobSelection jobsToDisable,
            string disableReason, string disableReasonElsewhere, CancellationToken cancellationToken)
        {
            var key = $"{crossing.Budget}/{crossing.Percent}/{crossing.Forecast}";
            if (!AlreadyCrossed.Add(key)) return Task.FromResult<CrossingRecorded?>(null);
            Crossings.Add(new Recorded(crossing, channels, jobsToDisable, disableReason, disableReasonElsewhere));
            var notifications = channels.Select(c => new BudgetNotificationRecord(++_nextId, c, DeliveryStatus.Pending, 0, null, null)).ToList();
            return Task.FromResult<CrossingRecorded?>(new CrossingRecorded(notifications, jobsToDisable.IsEmpty ? [] : DisablesJobs));
        }

        public Task CompleteNotificationAsync(long id, DeliveryStatus status, int attempts, DateTimeOffset? sentAt, string? error, CancellationToken cancellationToken)
        {
            lock (Completed) Completed.Add((id, status, attempts, sentAt, error));
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<(ThresholdCrossing Crossing, BudgetNotificationRecord Notification)>> StalePendingNotificationsAsync(DateTimeOffset olderThan,
            DateTimeOffset at, CancellationToken cancellationToken)
        {
            StaleOlderThan = olderThan;
            return Task.FromResult<IReadOnlyList<(ThresholdCrossing, BudgetNotificationRecord)>>(Stale);
        }

        public Task<Budget?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> UpsertAsync(Budget budget, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ThresholdCrossing>> CrossingsAsync(string? tenantId, string budget, DateTimeOffset periodStart, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    private sealed class Jobs : IBatchJobStore
    {
        public IReadOnlyList<string> ToReenable { get; set; } = [];
        public DateTimeOffset? ReenabledBefore { get; private set; }

        public Task<IReadOnlyList<string>> ReenableBudgetDisabledAsync(DateTimeOffset before, DateTimeOffset at, CancellationToken cancellationToken)
        {
            ReenabledBefore = before;
            return Task.FromResult(ToReenable);
        }

        public Task<IReadOnlyList<BatchRun>> CompletedRunsAsync(TenantScope scope, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<BatchRun>>([]);

        public Task<bool> UpsertAsync(string? tenantId, string name, string description, TimeSpan? expectedEvery, TimeSpan? maxDuration, DateTimeOffset at,
            CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<BatchJob?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<BatchJob>> ListAsync(TenantScope scope, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<BatchJobAudit>> AuditAsync(long jobId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<BatchJob?> SetEnabledAsync(string? tenantId, string name, bool enabled, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
        public Task<BatchRun> StartRunAsync(BatchJob job, decimal? estimatedCostUsd, string? startedBy, DateTimeOffset at, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
        public Task<(RunCompletion Outcome, BatchRun? Run)> CompleteRunAsync(string? tenantId, string job, string runId, long succeeded, long failed, decimal costUsd,
            DateTimeOffset at, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<BatchRun>> RunsAsync(long jobId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<(RunProgressOutcome Outcome, BatchRun? Run)> RecordProgressAsync(string? tenantId, string job, string runId, long done, long total,
            DateTimeOffset at, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<BatchJobHealth>> HealthAsync(TenantScope scope, DateTimeOffset completedFrom, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }

    /// <summary>Every budget's events cost <see cref="Spent"/> this period.</summary>
    private sealed class Rollups : IRollupStore
    {
        public decimal Spent { get; set; }

        public Task<IReadOnlyList<RollupGroup>> QueryAsync(RollupQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<RollupGroup>>([new RollupGroup(new Dictionary<Dimension, string> { [Dimension.BatchRunId] = "" }, new RollupCounters { CostUsd = Spent })]);

        public Task<RollupReport> RollUpAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ConversationCost>> ConversationCostsAsync(DateTimeOffset from, DateTimeOffset to, MetricFilter filter, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
        public Task<DateTimeOffset?> CompleteUpToAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<RollupBucket>> QueryBucketsAsync(TimeSeriesQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class Sender : INotificationSender
    {
        public List<(string Channel, Notification Notification)> Sent { get; } = [];
        public HashSet<string> Down { get; } = [];

        public Task<DeliveryResult> SendAsync(string channel, Notification notification, CancellationToken cancellationToken)
        {
            lock (Sent) Sent.Add((channel, notification));
            return Task.FromResult(Down.Contains(channel) ? new DeliveryResult(DeliveryStatus.Failed, 3, "503 from the channel") : new DeliveryResult(DeliveryStatus.Sent, 1, null));
        }
    }

    private sealed record Setup(BudgetEvaluator Evaluator, Budgets Budgets, Jobs Jobs, Rollups Rollups, Sender Sender, ManualClock Clock);

    private static Setup Create(decimal spent, params Budget[] budgets)
    {
        var store = new Budgets();
        store.All.AddRange(budgets);
        var jobs = new Jobs();
        var rollups = new Rollups { Spent = spent };
        var sender = new Sender();
        var clock = new ManualClock(Now);
        var service = new BudgetService(store, jobs, rollups, clock);
        return new Setup(new BudgetEvaluator(store, jobs, service, sender, clock, NullLogger<BudgetEvaluator>.Instance), store, jobs, rollups, sender, clock);
    }

    private static Budget Monthly(decimal amount, params BudgetThreshold[] thresholds) => new()
    {
        Name = "llm",
        AmountUsd = amount,
        Thresholds = thresholds.Length == 0 ? Budget.RunbookThresholds : thresholds,
    };

    private static BudgetThreshold At(double percent, string action, bool forecast = false) => new(percent, forecast, [new BudgetAction(action)]);

    [Fact]
    public async Task At_80_percent_of_the_runbook_budget_the_50_and_75_percent_thresholds_notify_their_channels()
    {
        var s = Create(80m, Monthly(100m));
        var result = await s.Evaluator.RunAsync(default);
        Assert.Equal([50.0, 75.0], s.Budgets.Crossings.Select(c => c.Crossing.Percent));
        Assert.Equal(["email", "slack"], s.Sender.Sent.Select(x => x.Channel).Order());
        Assert.Equal(2, result.Counts!["crossed"]);
        Assert.Equal(1, result.Counts["budgets"]);
        Assert.Equal(0, result.Counts["disabled"]);
        Assert.Contains("1 budgets: 2 thresholds crossed", result.Summary, StringComparison.Ordinal);
        var crossing = s.Budgets.Crossings[0].Crossing;
        Assert.Equal((80m, 240m, PeriodStart, Now), (crossing.SpentUsd, crossing.ForecastUsd, crossing.PeriodStart, crossing.CrossedAt));
        Assert.All(s.Budgets.Completed, c => Assert.Equal((DeliveryStatus.Sent, 1, (DateTimeOffset?)Now, (string?)null), (c.Status, c.Attempts, c.SentAt, c.Error)));
        Assert.Equal(2, s.Budgets.Completed.Count);
    }

    [Fact]
    public async Task A_threshold_is_crossed_at_exactly_its_percentage_and_not_a_cent_before()
    {
        var exactly = Create(50m, Monthly(100m, At(50, "notify:email")));
        await exactly.Evaluator.RunAsync(default);
        Assert.Single(exactly.Budgets.Crossings);

        var below = Create(49.99m, Monthly(100m, At(50, "notify:email")));
        await below.Evaluator.RunAsync(default);
        Assert.Empty(below.Budgets.Crossings);
        Assert.Empty(below.Sender.Sent);
    }

    [Fact]
    public async Task A_forecast_threshold_is_measured_against_the_spend_expected_by_the_end_of_the_month()
    {
        // $40 after 10 of 30 days: $120 expected, so the forecast 100% threshold fires and the spent one does not.
        var s = Create(40m, Monthly(100m, At(100, "notify:slack", forecast: true), At(100, "notify:email")));
        await s.Evaluator.RunAsync(default);
        var crossed = Assert.Single(s.Budgets.Crossings);
        Assert.True(crossed.Crossing.Forecast);
        Assert.Equal(120m, crossed.Crossing.ForecastUsd);
        Assert.Equal(["slack"], crossed.Channels);
    }

    [Fact]
    public async Task Paging_goes_to_both_incident_tools()
    {
        var s = Create(95m, Monthly(100m, At(90, "page")));
        await s.Evaluator.RunAsync(default);
        Assert.Equal(["pagerduty", "opsgenie"], Assert.Single(s.Budgets.Crossings).Channels);
        Assert.Equal(["opsgenie", "pagerduty"], s.Sender.Sent.Select(x => x.Channel).Order());
    }

    [Fact]
    public async Task At_100_percent_the_named_batch_jobs_are_disabled_until_the_next_period_and_the_notice_says_which()
    {
        var budget = Monthly(100m, At(100, "disable_batch_jobs"), At(100, "notify:email")) with { BatchJobs = ["nightly"] };
        var s = Create(100m, budget);
        s.Budgets.DisablesJobs = ["nightly"];
        var result = await s.Evaluator.RunAsync(default);
        var recorded = s.Budgets.Crossings.Single(c => c.Crossing.Actions.Contains("disable_batch_jobs"));
        Assert.Equal(new BatchJobSelection(null, false, ["nightly"]).Names, recorded.ToDisable.Names);
        Assert.False(recorded.ToDisable.IsEmpty);
        Assert.Equal("Budget 'llm' reached 100% ($100.00 of $100.00) on 2026-11-11 00:00 UTC; disabled until the next budget period (2026-12-01) or an operator enables it.",
            recorded.Reason);
        Assert.Equal("The deployment-wide budget 'llm' reached its 100% threshold on 2026-11-11 00:00 UTC; disabled until the next budget period (2026-12-01) or an operator enables it.",
            recorded.ReasonElsewhere);
        Assert.Equal(1, result.Counts!["disabled"]);
        Assert.Empty(recorded.Channels);
    }

    [Fact]
    public async Task A_budget_that_names_no_job_says_it_stopped_none()
    {
        var s = Create(100m, Monthly(100m, At(100, "disable_batch_jobs")));
        await s.Evaluator.RunAsync(default);
        var recorded = Assert.Single(s.Budgets.Crossings);
        Assert.True(recorded.ToDisable.IsEmpty);
        Assert.Equal("disable_batch_jobs (no batch job named: none stopped)", recorded.Crossing.Outcome);
    }

    [Fact]
    public async Task A_threshold_already_crossed_this_period_is_not_notified_again()
    {
        var s = Create(80m, Monthly(100m));
        await s.Evaluator.RunAsync(default);
        s.Sender.Sent.Clear();
        var second = await s.Evaluator.RunAsync(default);
        Assert.Empty(s.Sender.Sent);
        Assert.Equal(0, second.Counts!["crossed"]);
    }

    [Fact]
    public async Task A_channel_that_is_down_is_recorded_as_failed_without_a_sent_time()
    {
        var s = Create(60m, Monthly(100m));
        s.Sender.Down.Add("email");
        await s.Evaluator.RunAsync(default);
        var completed = Assert.Single(s.Budgets.Completed);
        Assert.Equal((DeliveryStatus.Failed, 3, (DateTimeOffset?)null, "503 from the channel"), (completed.Status, completed.Attempts, completed.SentAt, completed.Error));
    }

    [Fact]
    public async Task Notifications_left_pending_over_five_minutes_are_sent_again_once_per_crossing()
    {
        var s = Create(0m, Monthly(100m));
        var crossing = new ThresholdCrossing(null, "llm", PeriodStart, 50, false, Now.AddHours(-1), 50m, 150m, ["notify:email"], "notify:email", []);
        s.Budgets.Stale.Add((crossing, new BudgetNotificationRecord(7, "email", DeliveryStatus.Pending, 0, null, null)));
        s.Budgets.Stale.Add((crossing, new BudgetNotificationRecord(8, "slack", DeliveryStatus.Pending, 0, null, null)));
        var result = await s.Evaluator.RunAsync(default);
        Assert.Equal(Now - TimeSpan.FromMinutes(5), s.Budgets.StaleOlderThan);
        Assert.Equal(["email", "slack"], s.Sender.Sent.Select(x => x.Channel).Order());
        Assert.Equal([7L, 8L], s.Budgets.Completed.Select(c => c.Id).Order());
        Assert.Equal(2, result.Counts!["retried"]);
        Assert.Contains("2 notifications retried", result.Summary, StringComparison.Ordinal);
        Assert.All(s.Sender.Sent, x => Assert.Contains("llm", x.Notification.Title, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Jobs_a_budget_stopped_last_period_are_reenabled_when_the_new_one_starts()
    {
        var s = Create(0m);
        s.Jobs.ToReenable = ["nightly", "weekly"];
        var result = await s.Evaluator.RunAsync(default);
        Assert.Equal(PeriodStart, s.Jobs.ReenabledBefore);
        Assert.Equal(2, result.Counts!["reenabled"]);
        Assert.Equal(0, result.Counts["budgets"]);
    }

    [Fact]
    public async Task The_notice_of_a_crossing_that_stopped_jobs_names_them()
    {
        var budget = Monthly(100m, At(100, "disable_batch_jobs")) with { BatchJobs = ["nightly"], Thresholds = [new(100, false, [new("disable_batch_jobs"), new("notify:email")])] };
        var s = Create(100m, budget);
        s.Budgets.DisablesJobs = ["nightly"];
        await s.Evaluator.RunAsync(default);
        var notice = Assert.Single(s.Sender.Sent).Notification;
        Assert.Contains(notice.Facts, f => f is { Name: "Done", Value: "disable_batch_jobs; notify:email; disabled nightly" });
    }

    [Fact]
    public async Task A_budget_that_only_notifies_stops_no_job_even_when_it_names_some()
    {
        var s = Create(100m, Monthly(100m, At(50, "notify:email")) with { BatchJobs = ["nightly"] });
        s.Budgets.DisablesJobs = ["nightly"];
        await s.Evaluator.RunAsync(default);
        var recorded = Assert.Single(s.Budgets.Crossings);
        Assert.True(recorded.ToDisable.IsEmpty);
        Assert.Equal("notify:email", recorded.Crossing.Outcome);
        Assert.Contains(Assert.Single(s.Sender.Sent).Notification.Facts, f => f is { Name: "Done", Value: "notify:email" });
    }

    [Fact]
    public async Task A_retried_notice_states_the_budgets_amount_from_the_right_budget()
    {
        var other = Monthly(999m) with { Name = "other" };
        var s = Create(0m, other, Monthly(100m), Monthly(555m) with { TenantId = "acme" });
        var crossing = new ThresholdCrossing(null, "llm", PeriodStart, 50, false, Now.AddHours(-1), 50m, 150m, ["notify:email"], "notify:email", []);
        s.Budgets.Stale.Add((crossing, new BudgetNotificationRecord(7, "email", DeliveryStatus.Pending, 0, null, null)));
        await s.Evaluator.RunAsync(default);
        Assert.Equal("Budget llm at 50% ($50.00 of $100.00)", Assert.Single(s.Sender.Sent).Notification.Title);
    }

    [Fact]
    public async Task A_retried_notice_of_a_deleted_budget_still_goes_out()
    {
        var s = Create(0m);
        var crossing = new ThresholdCrossing(null, "gone", PeriodStart, 50, false, Now.AddHours(-1), 50m, 150m, ["notify:email"], "notify:email", []);
        s.Budgets.Stale.Add((crossing, new BudgetNotificationRecord(7, "email", DeliveryStatus.Pending, 0, null, null)));
        await s.Evaluator.RunAsync(default);
        Assert.Equal("Budget gone at 50% ($50.00 of $0.00)", Assert.Single(s.Sender.Sent).Notification.Title);
    }

    [Fact]
    public void The_timer_runs_every_five_minutes_by_default()
    {
        var s = Create(0m);
        Assert.Equal("0 */5 * * * *", s.Evaluator.DefaultSchedule);
        Assert.Equal("BudgetSchedule", s.Evaluator.ScheduleSetting);
        Assert.Equal("EvaluateBudgets", s.Evaluator.Name);
    }
}
