using Npgsql;
using NpgsqlTypes;
using Vigil.Core;

namespace Vigil.Postgres;

/// <summary>
/// Tenant scopes as SQL: every query of a tenant's objects carries its scope as parameters in its
/// WHERE clause, so the database never returns another tenant's rows to be filtered out later.
/// </summary>
internal static class PgScope
{
    /// <summary>
    /// "<paramref name="column"/> is in the scope", with the scope as parameters
    /// $<paramref name="first"/> (everything), $first+1 (the tenant, NULL for global) and $first+2
    /// (the global scope too); add them with <see cref="Add(NpgsqlParameterCollection, TenantScope)"/>.
    /// </summary>
    public static string Condition(string column, int first) => FormattableString.Invariant(
        $"(${first}::boolean OR {column} IS NOT DISTINCT FROM ${first + 1}::text OR (${first + 2}::boolean AND {column} IS NULL))");

    public static void Add(NpgsqlParameterCollection parameters, TenantScope scope)
    {
        parameters.Add(new() { Value = scope.Everything });
        parameters.Add(Tenant(scope.TenantId));
        parameters.Add(new() { Value = scope.WithGlobal });
    }

    /// <summary>A tenant id parameter: NULL is the global scope (compare with IS NOT DISTINCT FROM).</summary>
    public static NpgsqlParameter Tenant(string? tenantId) => new() { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    public static string? ReadTenant(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
