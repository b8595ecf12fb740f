using Microsoft.Extensions.Options;
using Vigil.Core.Metrics;
using Vigil.Core.Pricing;
using Vigil.Core.Reviews;

namespace Vigil.Core.Tests;

public class ReviewFiguresTests
{
    private static readonly ModelPrice Price = new(InputPerMillion: 2.50m, CachedInputPerMillion: 1.25m, OutputPerMillion: 10m);

    [Fact]
    public void Cached_input_tokens_save_the_difference_between_the_input_and_cached_input_prices()
    {
        // 400,000 cached tokens × (2.50 − 1.25) / 1M = 0.5.
        Assert.Equal(0.5m, CacheSavings.Of(Price, cacheHitResponses: false, inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 99_000, costUsd: 3m));
        // Cached beyond the input is clamped to the input.
        Assert.Equal(0.125m, CacheSavings.Of(Price, false, inputTokens: 100_000, cachedInputTokens: 250_000, outputTokens: 0, costUsd: 0m));
    }

    [Fact]
    public void A_cache_hit_response_saves_its_full_price_less_what_it_cost()
    {
        // 200,000 input × 2.50 + 50,000 output × 10 = 0.5 + 0.5 = 1.0 at full price; it cost 0.1.
        Assert.Equal(0.9m, CacheSavings.Of(Price, cacheHitResponses: true, inputTokens: 200_000, cachedInputTokens: 200_000, outputTokens: 50_000, costUsd: 0.1m));
        Assert.Equal(1.0m, CacheSavings.Of(Price, true, 200_000, 0, 50_000, 0m));
    }

    [Fact]
    public void Savings_are_never_negative_and_nothing_for_an_unpriced_model()
    {
        Assert.Equal(0m, CacheSavings.Of(Price, true, 1_000, 0, 0, costUsd: 5m));
        Assert.Equal(0m, CacheSavings.Of(null, false, 1_000_000, 1_000_000, 0, 0m));
        Assert.Equal(0m, CacheSavings.Of(new ModelPrice(1m, 2m, 1m), false, 1_000_000, 1_000_000, 0, 0m));
    }

    [Fact]
    public void A_rollup_group_is_priced_by_its_model_and_cache_hit_key()
    {
        var prices = new PriceTable(new Dictionary<string, ModelPrice> { ["gpt-4o"] = Price });
        var counters = new RollupCounters { InputTokens = 200_000, CachedInputTokens = 80_000, OutputTokens = 50_000, CostUsd = 0.2m };
        RollupGroup Group(string model, string hit) => new(new Dictionary<Dimension, string> { [Dimension.Model] = model, [Dimension.CacheHit] = hit }, counters);
        Assert.Equal(0.8m, CacheSavings.Of(Group("gpt-4o-2024-08-06", "true"), prices));
        Assert.Equal(0.1m, CacheSavings.Of(Group("gpt-4o", "false"), prices));
        Assert.Equal(0.1m, CacheSavings.Of(Group("gpt-4o", ""), prices));
        Assert.Equal(0m, CacheSavings.Of(Group("", "true"), prices));
        Assert.Equal(0m, CacheSavings.Of(Group("unknown-model", "true"), prices));
    }

    [Fact]
    public void A_figure_states_its_change_and_relative_change()
    {
        var f = ReviewFigure.Of(150, 120);
        Assert.Equal(30, f.Change);
        Assert.Equal(0.25, f.ChangeRatio);
        Assert.Null(f.Target);
        Assert.Null(f.Pass);
        var down = ReviewFigure.Of(90, 120);
        Assert.Equal(-30, down.Change);
        Assert.Equal(-0.25, down.ChangeRatio);
        var fromZero = ReviewFigure.Of(5, 0);
        Assert.Equal(5, fromZero.Change);
        Assert.Null(fromZero.ChangeRatio);
        var missing = ReviewFigure.Of(null, 3);
        Assert.Null(missing.Change);
        Assert.Null(missing.ChangeRatio);
        Assert.Null(ReviewFigure.Of(3, null).Change);
    }

    [Fact]
    public void A_checked_figure_passes_strictly_below_or_above_its_target()
    {
        var ttft = ReviewFigure.Checked(1999, 2000, ReviewTargets.TtftP95Ms, below: true);
        Assert.Equal("<", ttft.Comparison);
        Assert.Equal(2000, ttft.Target);
        Assert.True(ttft.Pass);
        Assert.False(ttft.PreviousPass);
        var satisfaction = ReviewFigure.Checked(0.8, 0.81, ReviewTargets.SatisfactionRate, below: false);
        Assert.Equal(">", satisfaction.Comparison);
        Assert.False(satisfaction.Pass);
        Assert.True(satisfaction.PreviousPass);
        var none = ReviewFigure.Checked(null, null, ReviewTargets.ErrorRate, below: true);
        Assert.Null(none.Pass);
        Assert.Null(none.PreviousPass);
        Assert.Equal(0.05, ReviewTargets.ErrorRate);
    }

    [Fact]
    public void The_previous_window_has_the_same_length_and_ends_where_the_window_starts()
    {
        var now = new DateTimeOffset(2026, 12, 7, 9, 0, 30, TimeSpan.Zero);
        Assert.True(MetricWindow.TryResolve("1h", now, out var hour, out _));
        var before = ReviewService.PreviousOf(hour);
        Assert.Equal(hour.From, before.To);
        Assert.Equal(hour.From - TimeSpan.FromHours(1), before.From);
        Assert.True(MetricWindow.TryResolve("7d", now, out var week, out _));
        var lastWeek = ReviewService.PreviousOf(week);
        Assert.Equal(week.From, lastWeek.To);
        // 14 days back is past the minute rollups: the start is floored to the hour.
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), lastWeek.From);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 9, 1, 0, TimeSpan.Zero), lastWeek.To);
    }

    [Fact]
    public void Review_channels_are_a_comma_separated_list_of_known_channels()
    {
        var options = new ReviewOptions { Channels = " Email, slack,,email " };
        Assert.Equal(["email", "slack"], options.ChannelList);
        Assert.Empty(new ReviewOptions().ChannelList);
        var validator = new ReviewOptionsValidator();
        Assert.True(validator.Validate(null, options).Succeeded);
        var bad = validator.Validate(null, new ReviewOptions { Channels = "slack,carrier-pigeon" });
        Assert.True(bad.Failed);
        Assert.Contains("carrier-pigeon", bad.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Vigil:Review:Channels", bad.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_review_schedule_defaults_to_monday_nine_utc()
    {
        var job = new SendReviewJob(null!, null!, null!, new StaticOptions(new ReviewOptions()), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<SendReviewJob>.Instance);
        Assert.Equal("SendReview", job.Name);
        Assert.Equal("ReviewSchedule", job.ScheduleSetting);
        Assert.Equal("0 0 9 * * 1", job.DefaultSchedule);
        // From Wednesday 2 December 2026 the next run is Monday the 7th at 09:00 UTC, then the 14th.
        var schedule = CronSchedule.Parse(job.DefaultSchedule);
        var next = schedule.GetNextOccurrence(new DateTimeOffset(2026, 12, 2, 15, 0, 0, TimeSpan.Zero));
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(new DateTimeOffset(2026, 12, 14, 9, 0, 0, TimeSpan.Zero), schedule.GetNextOccurrence(next));
    }

    private sealed class StaticOptions(ReviewOptions value) : IOptionsMonitor<ReviewOptions>
    {
        public ReviewOptions CurrentValue => value;
        public ReviewOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<ReviewOptions, string?> listener) => null;
    }
}
