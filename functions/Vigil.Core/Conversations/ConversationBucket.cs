namespace Vigil.Core.Conversations;

/// <summary>
/// One time bucket of <see cref="IConversationStore.BucketTotalsAsync"/>: the scored conversations whose
/// last event falls in it, of one tenant and/or bot (null when not grouped by it).
/// </summary>
public sealed record ConversationBucket(DateTimeOffset Start, string? TenantId, string? Bot, ConversationTotals Totals);
