namespace Vigil.Core.Auth;

public enum ApiRole
{
    /// <summary>Write events, start and complete batch runs.</summary>
    Ingest = 1,
    /// <summary>GET anything.</summary>
    Read = 2,
    /// <summary>Read, and acknowledge alerts.</summary>
    Operator = 3,
    /// <summary>Everything.</summary>
    Admin = 4,
}

/// <summary>What a request needs; each role grants a fixed set.</summary>
public enum Permission
{
    Ingest,
    Read,
    Acknowledge,
    Admin,
}

public static class ApiRoles
{
    public static IReadOnlyList<string> Names { get; } = ["ingest", "read", "operator", "admin"];

    public static string ToName(this ApiRole role) => role switch
    {
        ApiRole.Ingest => "ingest",
        ApiRole.Read => "read",
        ApiRole.Operator => "operator",
        ApiRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static bool TryParse(string? name, out ApiRole role)
    {
        role = name switch
        {
            "ingest" => ApiRole.Ingest,
            "read" => ApiRole.Read,
            "operator" => ApiRole.Operator,
            "admin" => ApiRole.Admin,
            _ => 0,
        };
        return role != 0;
    }

    public static bool Grants(this ApiRole role, Permission permission) => (role, permission) switch
    {
        (ApiRole.Admin, _) => true,
        (ApiRole.Ingest, Permission.Ingest) => true,
        (ApiRole.Read, Permission.Read) => true,
        (ApiRole.Operator, Permission.Read or Permission.Acknowledge) => true,
        _ => false,
    };
}
