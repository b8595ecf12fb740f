using Vigil.Core.Metrics;

namespace Vigil.Core.Tests;

/// <summary>The efficiency ranking: cost per successful interaction, cheapest first, groups without successes last.</summary>
public class EfficiencyRankingTests
{
    private static (IReadOnlyDictionary<string, string?>, RollupCounters) Group(string bot, long calls, long errors, decimal cost) =>
        (new Dictionary<string, string?> { ["bot"] = bot }, new RollupCounters { Calls = calls, Errors = errors, CostUsd = cost, Events = calls + 3 });

    [Fact]
    public void Groups_rank_by_cost_per_success_cheapest_first()
    {
        var ranked = EfficiencyRanking.Rank([Group("a", 10, 0, 5m), Group("b", 20, 4, 4m), Group("c", 8, 6, 0.9m)]);
        Assert.Equal(["b", "c", "a"], ranked.Select(g => g.Key["bot"]));
        Assert.Equal([1, 2, 3], ranked.Select(g => g.Rank!.Value));
        var b = ranked[0];
        Assert.Equal(20, b.Calls);
        Assert.Equal(16, b.Successes);
        Assert.Equal(0.8, b.SuccessRate);
        Assert.Equal(4m, b.CostUsd);
        Assert.Equal(0.25m, b.CostPerSuccessUsd);
        Assert.Equal(0.45m, ranked[1].CostPerSuccessUsd);
        Assert.Equal(0.25, ranked[1].SuccessRate);
        Assert.Equal(0.5m, ranked[2].CostPerSuccessUsd);
    }

    [Fact]
    public void Ties_go_to_the_group_with_more_successes_then_to_the_key()
    {
        var ranked = EfficiencyRanking.Rank([Group("z", 2, 0, 1m), Group("y", 4, 0, 2m), Group("x", 4, 0, 2m)]);
        Assert.Equal(["x", "y", "z"], ranked.Select(g => g.Key["bot"]));
    }

    [Fact]
    public void Groups_without_a_success_go_last_unranked_costliest_first()
    {
        var ranked = EfficiencyRanking.Rank([Group("broken", 5, 5, 2m), Group("fine", 5, 0, 1m), Group("free-broken", 3, 3, 0m), Group("worse", 2, 2, 3m)]);
        Assert.Equal(["fine", "worse", "broken", "free-broken"], ranked.Select(g => g.Key["bot"]));
        Assert.Equal(1, ranked[0].Rank);
        Assert.All(ranked.Skip(1), g => Assert.Null(g.Rank));
        Assert.All(ranked.Skip(1), g => Assert.Null(g.CostPerSuccessUsd));
        Assert.Equal(0.0, ranked[1].SuccessRate);
    }

    [Fact]
    public void A_group_of_only_feedback_and_no_cost_is_left_out()
    {
        var feedbackOnly = (new Dictionary<string, string?> { ["bot"] = "quiet" }, new RollupCounters { Events = 4 });
        var ranked = EfficiencyRanking.Rank([feedbackOnly, Group("a", 1, 0, 0.1m)]);
        Assert.Equal(["a"], ranked.Select(g => g.Key["bot"]));
    }

    [Fact]
    public void Cost_without_calls_is_kept_unranked_with_no_success_rate()
    {
        var costOnly = (new Dictionary<string, string?> { ["bot"] = "reported" }, new RollupCounters { CostUsd = 0.7m });
        var ranked = EfficiencyRanking.Rank([costOnly]);
        Assert.Null(ranked[0].SuccessRate);
        Assert.Null(ranked[0].Rank);
        Assert.Equal(0.7m, ranked[0].CostUsd);
    }
}
