using Vigil.Core.Silences;

namespace Vigil.Core.Tests;

public class SilenceTests
{
    private static readonly DateTimeOffset T = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string> LeadBotSla = new()
    {
        ["rule"] = "sla_violation", ["severity"] = "critical", ["bot"] = "lead_bot", ["operation"] = "process",
    };

    private static SilenceMatcher M(string name, MatchOperator op, string value)
    {
        Assert.True(SilenceMatcher.TryCreate(name, op, value, out var matcher, out var error), error);
        return matcher;
    }

    private static Silence S(params SilenceMatcher[] matchers) =>
        new(Guid.NewGuid(), null, matchers, T, T.AddHours(2), "ana", "maintenance", T, null);

    [Theory]
    [InlineData("bot", MatchOperator.Equal, "lead_bot", true)]
    [InlineData("bot", MatchOperator.Equal, "buyer_bot", false)]
    [InlineData("bot", MatchOperator.NotEqual, "buyer_bot", true)]
    [InlineData("bot", MatchOperator.Regex, "lead_.*", true)]
    [InlineData("bot", MatchOperator.Regex, "lead", false)]
    [InlineData("bot", MatchOperator.NotRegex, "buyer_.*|seller_.*", true)]
    [InlineData("model", MatchOperator.Equal, "", true)]
    [InlineData("model", MatchOperator.NotEqual, "", false)]
    [InlineData("model", MatchOperator.Regex, ".*", true)]
    public void Matchers_follow_alertmanager_semantics(string name, MatchOperator op, string value, bool matches) =>
        Assert.Equal(matches, M(name, op, value).Matches(LeadBotSla));

    [Fact]
    public void Every_matcher_must_match()
    {
        Assert.True(S(M("rule", MatchOperator.Equal, "sla_violation"), M("bot", MatchOperator.Equal, "lead_bot")).Matches(LeadBotSla));
        Assert.False(S(M("rule", MatchOperator.Equal, "sla_violation"), M("bot", MatchOperator.Equal, "seller_bot")).Matches(LeadBotSla));
    }

    [Fact]
    public void A_silence_mutes_from_its_start_until_its_end_or_its_deletion()
    {
        var silence = S(M("rule", MatchOperator.Equal, "sla_violation"));
        Assert.False(silence.IsActiveAt(T.AddSeconds(-1)));
        Assert.True(silence.IsActiveAt(T));
        Assert.True(silence.IsActiveAt(T.AddHours(2).AddTicks(-1)));
        Assert.False(silence.IsActiveAt(T.AddHours(2)));
        var deleted = silence with { ExpiredAt = T.AddMinutes(30) };
        Assert.False(deleted.IsActiveAt(T.AddMinutes(31)));
        Assert.Equal(T.AddMinutes(30), deleted.EffectiveEnd);
    }

    [Fact]
    public void A_tenants_silence_mutes_only_that_tenants_alerts()
    {
        var acme = S(M("rule", MatchOperator.Equal, "sla_violation")) with { TenantId = "acme" };
        Assert.False(acme.Matches(LeadBotSla));
        Assert.True(acme.Matches(new Dictionary<string, string>(LeadBotSla) { ["tenant_id"] = "acme" }));
        Assert.False(acme.Matches(new Dictionary<string, string>(LeadBotSla) { ["tenant_id"] = "globex" }));
    }

    [Fact]
    public void Invalid_regular_expressions_are_refused_and_matchers_that_match_nothing_in_particular_are_known()
    {
        Assert.False(SilenceMatcher.TryCreate("bot", MatchOperator.Regex, "lead_(", out _, out var error));
        Assert.Contains("regular expression", error, StringComparison.Ordinal);
        Assert.True(M("bot", MatchOperator.Regex, ".*").MatchesEmpty);
        Assert.False(M("bot", MatchOperator.Equal, "lead_bot").MatchesEmpty);
    }
}
