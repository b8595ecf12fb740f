namespace Vigil.Core.Silences;

/// <summary>Alertmanager's four matcher operators.</summary>
public enum MatchOperator
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

public static class MatchOperators
{
    public static string ToSymbol(this MatchOperator op) => op switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    };

    public static bool TryParse(string? symbol, out MatchOperator op)
    {
        (var ok, op) = symbol switch
        {
            "=" => (true, MatchOperator.Equal),
            "!=" => (true, MatchOperator.NotEqual),
            "=~" => (true, MatchOperator.Regex),
            "!~" => (true, MatchOperator.NotRegex),
            _ => (false, MatchOperator.Equal),
        };
        return ok;
    }
}
