namespace Vigil.Core;

/// <summary>A value PostgreSQL would refuse, found before the write: where it is and why.</summary>
public readonly record struct UnstorableValue(string Path, string Problem)
{
    /// <summary>"attributes.region contains a NUL character …", or the problem alone at the root.</summary>
    public override string ToString() => Path.Length == 0 ? Problem : $"{Path} {Problem}";
}
