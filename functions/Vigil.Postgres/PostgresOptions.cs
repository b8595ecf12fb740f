using Microsoft.Extensions.Options;
using Npgsql;

namespace Vigil.Postgres;

/// <summary>The connection string is the setting <c>ConnectionStrings__Postgres</c>.</summary>
public sealed class PostgresOptions
{
    public const string ConnectionStringSetting = "ConnectionStrings:Postgres";

    public string? ConnectionString { get; set; }

    /// <summary>
    /// A hook for the production host, e.g. to supply Microsoft Entra tokens as passwords
    /// (<see cref="NpgsqlDataSourceBuilder.UsePeriodicPasswordProvider"/>) without this library
    /// depending on Azure.
    /// </summary>
    public Action<NpgsqlDataSourceBuilder>? ConfigureDataSource { get; set; }
}

internal sealed class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.ConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"The connection string {PostgresOptions.ConnectionStringSetting} (environment variable ConnectionStrings__Postgres) is required.");
        }
        try
        {
            _ = new NpgsqlConnectionStringBuilder(o.ConnectionString);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            // The message names the keyword at fault; the value may hold a password, so it is not repeated.
            return ValidateOptionsResult.Fail($"The connection string {PostgresOptions.ConnectionStringSetting} is not valid: {e.Message}");
        }
    }
}
