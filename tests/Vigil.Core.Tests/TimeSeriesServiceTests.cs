using Vigil.Core.Alerts;
using Vigil.Core.Metrics;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>GET /api/metrics/timeseries from in-memory buckets: every bucket of every group, each metric as the rules compute it.</summary>
public class TimeSeriesServiceTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    // 15 minutes in 5 minute steps: buckets at 10:00, 10:05 and 10:10.
    private static TimeSeriesWindow Window => new(new MetricWindow("15m", From, From.AddMinutes(15)), TimeSpan.FromMinutes(5), From, From.AddMinutes(15));

    private static RollupBucket Bucket(int minutes, string type, RollupCounters counters, string bot = "lead_bot") =>
        new(From.AddMinutes(minutes), new Dictionary<Dimension, string> { [Dimension.Bot] = bot }, type, counters);

    [Fact]
    public async Task Every_bucket_is_a_point_with_empty_ones_counted_zero_and_valued_null()
    {
        var rollups = new FakeRollupStore { CompleteUpTo = From.AddMinutes(14) };
        rollups.Buckets.Add(Bucket(0, "llm_call", new RollupCounters { Events = 3, Calls = 3, Errors = 1 }));
        rollups.Buckets.Add(Bucket(0, "tool_call", new RollupCounters { Events = 4, Calls = 4, Errors = 3 }));
        rollups.Buckets.Add(Bucket(10, "llm_call", new RollupCounters { Events = 8, Calls = 8, Errors = 2 }));
        var filter = new MetricFilter().With(Dimension.Bot, "lead_bot");

        var r = await new TimeSeriesService(rollups, new FakeConversationStore()).QueryAsync(Window, [AlertMetric.ErrorRate, AlertMetric.ToolFailureRate, AlertMetric.EventCount], filter, [Dimension.Bot],
            CancellationToken.None);

        Assert.Equal(("15m", "5m", From, From.AddMinutes(15), (DateTimeOffset?)From.AddMinutes(14)), (r.Window, r.Step, r.From, r.To, r.CompleteUpTo));
        Assert.Equal(["error_rate", "tool_failure_rate", "event_count"], r.Metrics);
        var series = Assert.Single(r.Series);
        Assert.Equal(new Dictionary<string, string?> { ["bot"] = "lead_bot" }, series.Key);
        Assert.Equal([From, From.AddMinutes(5), From.AddMinutes(10)], series.Points.Select(p => p.T));
        Assert.Equal([7L, 0L, 8L], series.Points.Select(p => p.Count));
        Assert.Equal([0.571429, 0.75, 7], series.Points[0].Values);
        Assert.Equal([null, null, null], series.Points[1].Values);
        Assert.Equal([0.25, null, 8], series.Points[2].Values);
        var query = Assert.Single(rollups.BucketQueries);
        Assert.Equal((TimeSpan.FromMinutes(5), filter), (query.Step, query.Filter));
        Assert.Equal([Dimension.Bot], query.GroupBy);
    }

    [Fact]
    public async Task Groups_come_in_key_order_and_empty_key_values_are_null()
    {
        var rollups = new FakeRollupStore();
        rollups.Buckets.Add(Bucket(0, "llm_call", new RollupCounters { Events = 1 }, bot: "zeta_bot"));
        rollups.Buckets.Add(Bucket(5, "llm_call", new RollupCounters { Events = 2 }, bot: ""));
        rollups.Buckets.Add(Bucket(5, "llm_call", new RollupCounters { Events = 3 }, bot: "alpha_bot"));

        var r = await new TimeSeriesService(rollups, new FakeConversationStore()).QueryAsync(Window, [AlertMetric.EventCount], new MetricFilter(), [Dimension.Bot], CancellationToken.None);

        Assert.Equal([null, "alpha_bot", "zeta_bot"], r.Series.Select(s => s.Key["bot"]));
        Assert.Equal([0L, 3L, 0L], r.Series[1].Points.Select(p => p.Count));
    }

    [Fact]
    public async Task An_ungrouped_query_without_data_is_one_empty_series_and_a_grouped_one_has_none()
    {
        var rollups = new FakeRollupStore();
        var service = new TimeSeriesService(rollups, new FakeConversationStore());

        var ungrouped = await service.QueryAsync(Window, [AlertMetric.EventCount], new MetricFilter(), [], CancellationToken.None);
        var series = Assert.Single(ungrouped.Series);
        Assert.Empty(series.Key);
        Assert.Equal([0L, 0L, 0L], series.Points.Select(p => p.Count));

        var grouped = await service.QueryAsync(Window, [AlertMetric.EventCount], new MetricFilter(), [Dimension.Bot], CancellationToken.None);
        Assert.Empty(grouped.Series);
    }

    [Fact]
    public async Task A_cost_spike_compares_each_bucket_with_the_one_before()
    {
        var rollups = new FakeRollupStore();
        rollups.Buckets.Add(Bucket(0, "llm_call", new RollupCounters { Events = 1, CostEvents = 1, CostUsd = 2m }));
        rollups.Buckets.Add(Bucket(5, "llm_call", new RollupCounters { Events = 1, CostEvents = 1, CostUsd = 3m }));
        rollups.Buckets.Add(Bucket(5, "tool_call", new RollupCounters { Events = 1, CostEvents = 1, CostUsd = 4m }));
        rollups.Buckets.Add(Bucket(10, "llm_call", new RollupCounters { Events = 1, CostEvents = 1, CostUsd = 1m }));

        var r = await new TimeSeriesService(rollups, new FakeConversationStore()).QueryAsync(Window, [AlertMetric.CostSpikeRatio], new MetricFilter(), [], CancellationToken.None);

        Assert.Equal([null, 3.5, 0.142857], r.Series[0].Points.Select(p => p.Values[0]));
    }

    [Fact]
    public async Task A_bucket_of_an_unknown_type_counts_in_the_totals_but_not_as_a_type()
    {
        var rollups = new FakeRollupStore();
        rollups.Buckets.Add(Bucket(0, "no_such_type", new RollupCounters { Events = 5, Calls = 5, Errors = 5 }));

        var r = await new TimeSeriesService(rollups, new FakeConversationStore()).QueryAsync(Window, [AlertMetric.ErrorRate, AlertMetric.HandoffFailureRate], new MetricFilter(), [], CancellationToken.None);

        Assert.Equal(5, r.Series[0].Points[0].Count);
        Assert.Equal([1.0, null], r.Series[0].Points[0].Values);
    }
}
