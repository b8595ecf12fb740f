namespace Vigil.Core.Notifications;

/// <summary>
/// A headed block of lines, for longer messages such as the weekly review. A section may also carry
/// the same content as a table (<see cref="Columns"/> and <see cref="Rows"/>), which the HTML e-mail
/// shows instead of the lines; chat channels show the lines.
/// </summary>
public sealed record NotificationSection(string Heading, IReadOnlyList<string> Lines)
{
    /// <summary>A sentence the e-mail shows above the table (chat channels have it among the lines).</summary>
    public string? Note { get; init; }

    public IReadOnlyList<string>? Columns { get; init; }

    public IReadOnlyList<IReadOnlyList<string>>? Rows { get; init; }
}
