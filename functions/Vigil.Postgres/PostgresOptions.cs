using Npgsql;

namespace Vigil.Postgres;

/// <summary>The connection string is the setting <c>ConnectionStrings__Postgres</c>.</summary>
public sealed class PostgresOptions
{
    public string? ConnectionString { get; set; }

    /// <summary>
    /// A hook for the production host, e.g. to supply Microsoft Entra tokens as passwords
    /// (<see cref="NpgsqlDataSourceBuilder.UsePeriodicPasswordProvider"/>) without this library
    /// depending on Azure.
    /// </summary>
    public Action<NpgsqlDataSourceBuilder>? ConfigureDataSource { get; set; }
}
