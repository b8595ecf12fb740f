using Microsoft.Extensions.Options;

namespace Vigil.Core.Reviews;

/// <summary>Section <c>Vigil:Review</c>: where <c>SendReview</c> sends the weekly review.</summary>
public sealed class ReviewOptions
{
    public const string Section = "Vigil:Review";

    /// <summary>Comma-separated channel names (<c>Vigil__Review__Channels=email,slack</c>); empty sends nothing.</summary>
    public string? Channels { get; set; }

    public IReadOnlyList<string> ChannelList =>
        [.. (Channels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
}

internal sealed class ReviewOptionsValidator : IValidateOptions<ReviewOptions>
{
    public ValidateOptionsResult Validate(string? name, ReviewOptions o)
    {
        var unknown = o.ChannelList.Where(c => !Alerts.Channels.All.Contains(c)).ToList();
        return unknown.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{ReviewOptions.Section}:Channels names unknown channel(s) {string.Join(", ", unknown)}; use {string.Join(", ", Alerts.Channels.All)}.");
    }
}
