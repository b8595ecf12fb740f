namespace Vigil.IntegrationTests.Tenancy;

/// <summary>Which admin key a matrix request carries: unbound, or bound to acme or to globex (admin, so the role never decides).</summary>
public enum Binding
{
    Unbound,
    Acme,
    Globex,
}

/// <summary>The three scopes an object can live in, and the marker each scope's data carries.</summary>
internal static class Scopes
{
    public static readonly string?[] All = [null, "acme", "globex"];

    public static string? Of(Binding binding) => binding switch
    {
        Binding.Acme => "acme",
        Binding.Globex => "globex",
        _ => null,
    };

    public static string Label(string? scope) => scope ?? "global";

    /// <summary>Text only this scope's objects and data contain (descriptions, key names, filter values, bot names).</summary>
    public static string Secret(string? scope) => $"secret-{Label(scope)}";

    /// <summary>The events of the global scope are the default tenant's.</summary>
    public static string EventTenant(string? scope) => scope ?? "default";
}
