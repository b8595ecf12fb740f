using Vigil.Core.Conversations;
using Vigil.Core.Events;
using Vigil.Core.Jobs;
using Vigil.Core.Metrics;
using Vigil.Core.Tests.Fakes;

namespace Vigil.Core.Tests;

/// <summary>The timer jobs that hand their work to a store: what they ask it to do and what they report.</summary>
public class TimerJobsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 3, 15, 0, TimeSpan.Zero);

    [Fact]
    public async Task ComputeRollups_reports_what_the_roll_up_did()
    {
        var store = new FakeRollupStore { Report = new RollupReport(17, 3, 2, 4096, Now.AddSeconds(-5)) };
        var job = new ComputeRollupsJob(store);

        var result = await job.RunAsync(CancellationToken.None);

        Assert.Equal(1, store.RollUps);
        Assert.Equal("re-rolled 17 minutes, 3 hours and 2 days from 4096 events; complete up to 2026-11-21T03:14:55.0000000+00:00", result.Summary);
        Assert.Equal(new Dictionary<string, long> { ["minutes"] = 17, ["hours"] = 3, ["days"] = 2, ["events_read"] = 4096 }, result.Counts);
        Assert.Equal(("ComputeRollups", "RollupSchedule", "0 */1 * * * *"), (job.Name, job.ScheduleSetting, job.DefaultSchedule));
    }

    [Fact]
    public async Task ApplyRetention_cuts_each_kind_of_data_at_its_own_age()
    {
        var store = new FakeRetentionStore { Report = new RetentionReport(2, 3, 400, 50, 6000, 70, 8) };
        var retention = new RetentionOptions
        {
            Events = TimeSpan.FromDays(30), MinuteRollups = TimeSpan.FromDays(8), HourRollups = TimeSpan.FromDays(90), DayRollups = TimeSpan.FromDays(400),
            ConversationCosts = TimeSpan.FromDays(31), MessageText = TimeSpan.FromDays(6), PartitionsAhead = TimeSpan.FromDays(5),
        };
        var ingest = new IngestOptions { MaxEventAge = TimeSpan.FromDays(7), MaxFutureSkew = TimeSpan.FromMinutes(10) };
        var job = new ApplyRetentionJob(store, new StaticOptions<RetentionOptions>(retention), new StaticOptions<IngestOptions>(ingest), new ManualClock(Now));

        var result = await job.RunAsync(CancellationToken.None);

        var c = Assert.Single(store.Applied);
        Assert.Equal(Now.AddDays(-30), c.Events);
        Assert.Equal(Now.AddDays(-8).AddMinutes(-10), c.Keys);
        Assert.Equal(Now.AddDays(5), c.PartitionsUntil);
        Assert.Equal(Now.AddDays(-8), c.MinuteRollups);
        Assert.Equal(Now.AddDays(-90), c.HourRollups);
        Assert.Equal(Now.AddDays(-400), c.DayRollups);
        Assert.Equal(Now.AddDays(-31), c.ConversationCosts);
        Assert.Equal(Now.AddDays(-6), c.MessageText);
        Assert.Equal("created 2 partitions, dropped 3, deleted 400 events, 50 idempotency keys and 6000 rollup rows; erased the text of 70 messages and deleted 8 conversation scores", result.Summary);
        Assert.Equal(new Dictionary<string, long>
        {
            ["partitions_created"] = 2, ["partitions_dropped"] = 3, ["events_deleted"] = 400, ["keys_deleted"] = 50, ["rollup_rows_deleted"] = 6000,
            ["message_texts_erased"] = 70, ["conversations_deleted"] = 8,
        }, result.Counts);
        Assert.Equal(("ApplyRetention", "RetentionSchedule", "0 15 * * * *"), (job.Name, job.ScheduleSetting, job.DefaultSchedule));
    }

    private static ConversationInput Conversation(string id, params string?[] texts) => new("acme", id, Now.AddMinutes(-10), Now.AddMinutes(-1),
        [.. texts.Select((t, i) => (Now.AddMinutes(-10 + i), i % 2 == 0 ? MessageRole.User : MessageRole.Bot, t))], [], ["lead_bot", "human", "lead_bot"]);

    [Fact]
    public async Task AnalyzeConversations_scores_batches_until_the_queue_is_short_of_one()
    {
        var store = new FakeConversationStore();
        store.Pending.Enqueue(Conversation("c-1", "hello, thanks", "glad to help", "great"));
        store.Pending.Enqueue(Conversation("c-2", "this is broken", "sorry"));
        store.Pending.Enqueue(Conversation("c-3", "old", null));
        store.Pending.Enqueue(Conversation("c-4"));
        store.Pending.Enqueue(Conversation("c-5", "one more"));
        var options = new StaticOptions<ConversationOptions>(new ConversationOptions { BatchSize = 2 });
        var job = new AnalyzeConversationsJob(store, options, new ManualClock(Now));

        var result = await job.RunAsync(CancellationToken.None);

        Assert.Equal([2, 2, 2], store.BatchSizes);
        Assert.Equal(["c-1", "c-2", "c-5"], store.Stored.Select(r => r.ConversationId));
        Assert.Equal("scored 3 conversations (6 messages), 2 kept as they were", result.Summary);
        Assert.Equal(new Dictionary<string, long> { ["conversations_scored"] = 3, ["conversations_skipped"] = 2, ["messages_scored"] = 6, ["conversations_claimed"] = 5 }, result.Counts);
        Assert.Equal(("AnalyzeConversations", "ConversationSchedule", "30 */1 * * * *"), (job.Name, job.ScheduleSetting, job.DefaultSchedule));
    }

    [Fact]
    public void A_conversation_is_recorded_with_its_bots_switches_and_when_it_was_scored()
    {
        var record = AnalyzeConversationsJob.Analyze(Conversation("c-1", "hello", "hi there", "thanks"), SentimentLexicon.Default, Now)!;

        Assert.Equal(("acme", "c-1", Now.AddMinutes(-10), Now.AddMinutes(-1), 3, Now), (record.TenantId, record.ConversationId, record.StartedAt, record.EndedAt, record.Messages, record.AnalyzedAt));
        Assert.Equal(["lead_bot", "human"], record.Bots);
        Assert.Equal(2, record.AgentSwitches);
    }

    [Fact]
    public void A_conversation_without_messages_or_with_erased_text_keeps_its_scores()
    {
        Assert.Null(AnalyzeConversationsJob.Analyze(Conversation("c-1"), SentimentLexicon.Default, Now));
        Assert.Null(AnalyzeConversationsJob.Analyze(Conversation("c-1", "hello", null, "thanks"), SentimentLexicon.Default, Now));
    }
}
