namespace Vigil.Core.Silences;

/// <summary>
/// Mutes the notifications of matching alerts between <see cref="StartsAt"/> and <see cref="EndsAt"/>.
/// Alerts keep their lifecycle; what would have been sent is recorded as suppressed, and escalation
/// levels that fell due meanwhile are sent when the silence ends if the alert still fires.
/// </summary>
public sealed record Silence(
    Guid Id,
    string? TenantId,
    IReadOnlyList<SilenceMatcher> Matchers,
    DateTimeOffset StartsAt,
    DateTimeOffset EndsAt,
    string CreatedBy,
    string? Comment,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiredAt)
{
    /// <summary>When it stops muting: its end, or when it was deleted if earlier.</summary>
    public DateTimeOffset EffectiveEnd => ExpiredAt is { } expired && expired < EndsAt ? expired : EndsAt;

    public bool IsActiveAt(DateTimeOffset at) => StartsAt <= at && at < EffectiveEnd;

    /// <summary>
    /// Whether it mutes an alert with these labels (rule, severity, tenant and group labels). A
    /// tenant's silence only ever mutes that tenant's alerts, whatever its matchers say.
    /// </summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        (TenantId is null || (labels.TryGetValue(SilenceLabels.Tenant, out var tenant) && tenant == TenantId))
        && Matchers.All(m => m.Matches(labels));
}
