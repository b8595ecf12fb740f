using Microsoft.Extensions.Options;
using Vigil.Core.Alerts;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Core.Health;
using Vigil.Core.Jobs;
using Vigil.Core.Prometheus;

namespace Vigil.Core.Tests;

/// <summary>Settings a deployment gets wrong are refused at start with the setting named; the limits themselves pass.</summary>
public class SettingsValidationTests
{
    private static string? Failure<T>(IValidateOptions<T> validator, T options) where T : class =>
        validator.Validate(null, options) is { Succeeded: false } result ? result.FailureMessage : null;

    [Fact]
    public void The_alerting_settings_need_an_http_url_a_long_secret_and_a_sane_rate()
    {
        var v = new AlertingOptionsValidator();
        Assert.Null(Failure(v, new AlertingOptions()));
        Assert.Null(Failure(v, new AlertingOptions { PublicUrl = "https://vigil.example", LinkSecret = new string('s', 16), AckLinkRequestsPerMinute = 1 }));
        Assert.Null(Failure(v, new AlertingOptions { PublicUrl = "http://localhost:7071", AckLinkRequestsPerMinute = 100_000 }));
        Assert.Null(Failure(v, new AlertingOptions { PublicUrl = "  ", LinkSecret = "" }));
        Assert.Equal("Vigil:Alerting:PublicUrl must be an absolute http or https URL (was 'ftp://x').", Failure(v, new AlertingOptions { PublicUrl = "ftp://x" }));
        Assert.Contains("PublicUrl must be an absolute", Failure(v, new AlertingOptions { PublicUrl = "/relative" }));
        Assert.Equal("Vigil:Alerting:LinkSecret must be at least 16 characters.", Failure(v, new AlertingOptions { LinkSecret = new string('s', 15) }));
        Assert.Equal("Vigil:Alerting:AckLinkRequestsPerMinute must be 1 to 100000 (was 0).", Failure(v, new AlertingOptions { AckLinkRequestsPerMinute = 0 }));
        Assert.Contains("(was 100001)", Failure(v, new AlertingOptions { AckLinkRequestsPerMinute = 100_001 }));
        var all = Failure(v, new AlertingOptions { PublicUrl = "x", LinkSecret = "short", AckLinkRequestsPerMinute = -1 })!;
        Assert.Contains("PublicUrl", all);
        Assert.Contains("LinkSecret", all);
        Assert.Contains("AckLinkRequestsPerMinute", all);
    }

    [Fact]
    public void The_admin_key_must_be_long_and_the_key_cache_at_most_ten_minutes()
    {
        var v = new AuthOptionsValidator();
        Assert.Null(Failure(v, new AuthOptions()));
        Assert.Null(Failure(v, new AuthOptions { AdminKey = "   " }));
        Assert.Null(Failure(v, new AuthOptions { AdminKey = new string('k', 16), KeyCacheDuration = TimeSpan.FromMinutes(10) }));
        Assert.Null(Failure(v, new AuthOptions { KeyCacheDuration = TimeSpan.Zero }));
        Assert.Equal("VIGIL_ADMIN_KEY must be at least 16 characters; use a long random value.", Failure(v, new AuthOptions { AdminKey = " " + new string('k', 15) + " " }));
        Assert.Equal("Vigil:Auth:KeyCacheDuration must be between 0 and 10 minutes.", Failure(v, new AuthOptions { KeyCacheDuration = TimeSpan.FromMinutes(10).Add(TimeSpan.FromTicks(1)) }));
        Assert.NotNull(Failure(v, new AuthOptions { KeyCacheDuration = TimeSpan.FromTicks(-1) }));
    }

    [Fact]
    public void Retention_keeps_raw_events_and_minutes_past_the_ingest_window_and_longer_levels_longer()
    {
        var v = new RetentionOptionsValidator(Options.Create(new IngestOptions()));
        Assert.Null(Failure(v, new RetentionOptions()));
        Assert.Null(Failure(v, new RetentionOptions { Events = TimeSpan.FromDays(8), MinuteRollups = TimeSpan.FromDays(8), HourRollups = TimeSpan.FromDays(31), DayRollups = TimeSpan.FromDays(31),
            ConversationCosts = TimeSpan.FromDays(31), PartitionsAhead = TimeSpan.FromDays(2) }));
        Assert.Equal("Vigil:Retention:Events must be at least 8d (the ingest age limit plus a day), was 7d.", Failure(v, new RetentionOptions { Events = TimeSpan.FromDays(7) }));
        Assert.StartsWith("Vigil:Retention:MinuteRollups must be at least 8d", Failure(v, new RetentionOptions { MinuteRollups = TimeSpan.FromDays(7) }));
        Assert.StartsWith("Vigil:Retention: keep HourRollups", Failure(v, new RetentionOptions { MinuteRollups = TimeSpan.FromDays(100) }));
        Assert.StartsWith("Vigil:Retention: keep HourRollups", Failure(v, new RetentionOptions { DayRollups = TimeSpan.FromDays(89) }));
        Assert.StartsWith("Vigil:Retention: HourRollups and ConversationCosts", Failure(v, new RetentionOptions { ConversationCosts = TimeSpan.FromDays(30) }));
        Assert.StartsWith("Vigil:Retention: HourRollups and ConversationCosts",
            Failure(v, new RetentionOptions { HourRollups = TimeSpan.FromDays(30), MinuteRollups = TimeSpan.FromDays(8) }));
        Assert.Equal("Vigil:Retention:PartitionsAhead must be at least 2 days.", Failure(v, new RetentionOptions { PartitionsAhead = TimeSpan.FromDays(1) }));
        // A longer ingest window needs longer raw retention.
        var longer = new RetentionOptionsValidator(Options.Create(new IngestOptions { MaxEventAge = TimeSpan.FromDays(40) }));
        Assert.Contains("at least 41d", Failure(longer, new RetentionOptions()));
    }

    [Fact]
    public void Prometheus_and_startup_limits_are_refused_outside_their_range()
    {
        var p = new PrometheusOptionsValidator();
        Assert.Null(Failure(p, new PrometheusOptions { MaxSeriesPerMetric = 1 }));
        Assert.Null(Failure(p, new PrometheusOptions { MaxSeriesPerMetric = 100_000 }));
        Assert.Equal("Vigil:Prometheus:MaxSeriesPerMetric must be between 1 and 100000 (was 0).", Failure(p, new PrometheusOptions { MaxSeriesPerMetric = 0 }));
        Assert.NotNull(Failure(p, new PrometheusOptions { MaxSeriesPerMetric = 100_001 }));
        var s = new StartupOptionsValidator();
        Assert.Null(Failure(s, new StartupOptions { DatabaseWaitTimeout = TimeSpan.FromTicks(1) }));
        Assert.Equal("Vigil:Startup:DatabaseWaitTimeout must be positive (was 00:00:00).", Failure(s, new StartupOptions { DatabaseWaitTimeout = TimeSpan.Zero }));
    }

    [Theory]
    [InlineData("lead_bot", true)]
    [InlineData("a.b-c_9", true)]
    [InlineData("z", true)]
    [InlineData("Lead", false)]
    [InlineData("lead bot", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("é", false)]
    [InlineData("a/b", false)]
    public void Names_are_lower_case_letters_digits_and_a_few_marks(string? name, bool valid) => Assert.Equal(valid, Names.IsValid(name));

    [Fact]
    public void Names_are_at_most_64_characters()
    {
        Assert.True(Names.IsValid(new string('a', 64)));
        Assert.False(Names.IsValid(new string('a', 65)));
    }

    private sealed class Monitor(AlertingOptions value) : IOptionsMonitor<AlertingOptions>
    {
        public AlertingOptions CurrentValue => value;
        public AlertingOptions Get(string? name) => value;
        public IDisposable? OnChange(Action<AlertingOptions, string?> listener) => null;
    }

    [Theory]
    [InlineData(null, "http://localhost:7071")]
    [InlineData(" ", "http://localhost:7071")]
    [InlineData("https://vigil.example/", "https://vigil.example")]
    [InlineData("https://vigil.example/base//", "https://vigil.example/base")]
    public void Links_use_the_public_url_setting_without_a_trailing_slash_or_the_hosts_own(string? setting, string expected) =>
        Assert.Equal(expected, new DefaultPublicUrl(new Monitor(new AlertingOptions { PublicUrl = setting })).Base);
}
