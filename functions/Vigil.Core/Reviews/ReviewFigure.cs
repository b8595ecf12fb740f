namespace Vigil.Core.Reviews;

/// <summary>
/// One figure of the review beside the previous window: <see cref="Change"/> = current − previous,
/// <see cref="ChangeRatio"/> = change / previous (null when either is missing or previous is 0).
/// Figures with a review target also carry it: <see cref="Comparison"/> is "&lt;" or "&gt;" (the figure
/// passes when it is below or above <see cref="Target"/>), <see cref="Pass"/> and
/// <see cref="PreviousPass"/> are null without data.
/// </summary>
public sealed record ReviewFigure(double? Current, double? Previous, double? Change, double? ChangeRatio,
    double? Target = null, string? Comparison = null, bool? Pass = null, bool? PreviousPass = null)
{
    public static ReviewFigure Of(double? current, double? previous)
    {
        double? change = current is { } c && previous is { } p ? c - p : null;
        double? ratio = change is { } d && previous is { } q && q != 0 ? d / q : null;
        return new ReviewFigure(current, previous, change is { } x ? Math.Round(x, 6) : null, ratio is { } r ? Math.Round(r, 6) : null);
    }

    /// <summary>The figure checked against a target it must stay below (<paramref name="below"/>) or above.</summary>
    public static ReviewFigure Checked(double? current, double? previous, double target, bool below) => Of(current, previous) with
    {
        Target = target,
        Comparison = below ? "<" : ">",
        Pass = Passes(current, target, below),
        PreviousPass = Passes(previous, target, below),
    };

    private static bool? Passes(double? value, double target, bool below) => value is { } v ? (below ? v < target : v > target) : null;
}
