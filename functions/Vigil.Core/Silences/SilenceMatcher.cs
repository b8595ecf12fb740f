using System.Text.RegularExpressions;

namespace Vigil.Core.Silences;

/// <summary>
/// One matcher of a silence, with Alertmanager's semantics: a label an alert lacks has the value
/// "" (so <c>bot=""</c> matches alerts without a bot), regular expressions match the whole value,
/// and the negated operators match exactly what their positive form does not.
/// </summary>
public sealed class SilenceMatcher
{
    /// <summary>Long enough for any sane pattern; a pathological one fails instead of stalling evaluation.</summary>
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);

    private readonly Regex? _regex;

    private SilenceMatcher(string name, MatchOperator op, string value, Regex? regex)
    {
        Name = name;
        Operator = op;
        Value = value;
        _regex = regex;
    }

    public string Name { get; }

    public MatchOperator Operator { get; }

    public string Value { get; }

    public static bool TryCreate(string name, MatchOperator op, string value, out SilenceMatcher matcher, out string error)
    {
        matcher = null!;
        error = "";
        Regex? regex = null;
        if (op is MatchOperator.Regex or MatchOperator.NotRegex)
        {
            try
            {
                regex = new Regex($"^(?:{value})$", RegexOptions.CultureInvariant, RegexTimeout);
            }
            catch (ArgumentException e)
            {
                error = $"'{value}' is not a valid regular expression: {e.Message}";
                return false;
            }
        }
        matcher = new SilenceMatcher(name, op, value, regex);
        return true;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var actual = labels.TryGetValue(Name, out var v) ? v : "";
        return Operator switch
        {
            MatchOperator.Equal => actual == Value,
            MatchOperator.NotEqual => actual != Value,
            MatchOperator.Regex => IsMatch(actual),
            _ => !IsMatch(actual),
        };
    }

    /// <summary>Whether this matcher matches an alert with no labels at all (Alertmanager refuses silences made only of such matchers).</summary>
    public bool MatchesEmpty => Matches(new Dictionary<string, string>());

    public override string ToString() => $"{Name}{Operator.ToSymbol()}\"{Value}\"";

    private bool IsMatch(string actual)
    {
        try
        {
            return _regex!.IsMatch(actual);
        }
        catch (RegexMatchTimeoutException)
        {
            // Undecidable in time: not silenced, so a notification is sent rather than lost.
            return Operator == MatchOperator.NotRegex;
        }
    }
}
