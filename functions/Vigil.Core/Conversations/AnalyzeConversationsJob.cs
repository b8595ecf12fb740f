using Microsoft.Extensions.Options;
using Vigil.Core.Jobs;

namespace Vigil.Core.Conversations;

/// <summary>
/// Timer function <c>AnalyzeConversations</c>: scores every conversation that received messages or
/// handoffs since it was last scored, a batch per transaction until none is queued. Scores are recomputed
/// from all of a conversation's messages and replace the stored ones, so a re-run, a late message or two
/// hosts at once never double count. A conversation whose older messages' text has already been erased
/// keeps its scores (they cannot be recomputed without the text).
/// </summary>
public sealed class AnalyzeConversationsJob(IConversationStore store, IOptionsMonitor<ConversationOptions> options, TimeProvider time) : ITimerJob
{
    public string Name => TimerJobNames.AnalyzeConversations;
    public string ScheduleSetting => "ConversationSchedule";
    public string DefaultSchedule => "30 */1 * * * *";

    public async Task<JobResult> RunAsync(CancellationToken cancellationToken)
    {
        var o = options.CurrentValue;
        long claimed = 0, scored = 0, skipped = 0, messages = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            var batch = await store.AnalyzeBatchAsync(o.BatchSize, input =>
            {
                var record = Analyze(input, o.LexiconFor(input.TenantId), now);
                if (record is not null) messages += record.Messages;
                return record;
            }, cancellationToken);
            claimed += batch.Claimed;
            scored += batch.Scored;
            skipped += batch.Skipped;
            if (batch.Claimed < o.BatchSize) break;
        }
        return new JobResult($"scored {scored} conversations ({messages} messages), {skipped} kept as they were",
            new Dictionary<string, long> { ["conversations_scored"] = scored, ["conversations_skipped"] = skipped, ["messages_scored"] = messages, ["conversations_claimed"] = claimed });
    }

    /// <summary>The record of one claimed conversation; null without messages or once any message's text is gone.</summary>
    public static ConversationRecord? Analyze(ConversationInput input, SentimentLexicon lexicon, DateTimeOffset now)
    {
        if (input.Messages.Count == 0 || input.Messages.Any(m => m.Text is null)) return null;
        var messages = input.Messages.Select(m => new ConversationMessage(m.Timestamp, m.Role, m.Text!)).ToList();
        var scores = ConversationScorer.Score(messages, input.Handoffs, lexicon);
        return new ConversationRecord(input.TenantId, input.ConversationId, input.StartedAt, input.EndedAt,
            ConversationTimeline.Bots(input.BotsInOrder), ConversationTimeline.AgentSwitches(input.BotsInOrder), messages.Count, scores, now);
    }
}
