namespace Vigil.Core.OnCall;

/// <summary>How often an on-call schedule hands over to the next participant.</summary>
public enum Rotation
{
    Daily,
    Weekly,
}

public static class Rotations
{
    public static string ToName(this Rotation rotation) => rotation == Rotation.Daily ? "daily" : "weekly";

    public static bool TryParse(string? name, out Rotation rotation)
    {
        (var ok, rotation) = name switch
        {
            "daily" => (true, Rotation.Daily),
            "weekly" => (true, Rotation.Weekly),
            _ => (false, Rotation.Weekly),
        };
        return ok;
    }
}
