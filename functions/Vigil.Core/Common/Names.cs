namespace Vigil.Core;

/// <summary>Names of bots, batch jobs, policies, people and the like: <c>[a-z0-9_.-]{1,64}</c>.</summary>
public static class Names
{
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= 64 } && name.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-');
}
