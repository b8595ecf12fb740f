namespace Vigil.Functions;

/// <summary>Section <c>Vigil:Postgres</c>: how the Function App signs in to Azure Database for PostgreSQL.</summary>
public sealed class AzurePostgresOptions
{
    public const string Section = "Vigil:Postgres";
    public const string TokenScope = "https://ossrdbms-aad.database.windows.net/.default";

    /// <summary>Sign in with a Microsoft Entra token of the app's identity instead of a password.</summary>
    public bool UseEntraAuthentication { get; set; }
}
