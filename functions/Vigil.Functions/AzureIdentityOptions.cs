using Microsoft.Extensions.Options;

namespace Vigil.Functions;

/// <summary>Section <c>Vigil:Azure</c>: the identity the Function App uses for Azure resources.</summary>
public sealed class AzureIdentityOptions
{
    public const string Section = "Vigil:Azure";

    /// <summary>
    /// Client id of the app's user-assigned managed identity. Set in Azure (the Bicep does); empty
    /// locally, where the developer's own sign-in (Azure CLI, Visual Studio) is used instead.
    /// </summary>
    public string? ManagedIdentityClientId { get; set; }
}

internal sealed class AzureIdentityOptionsValidator : IValidateOptions<AzureIdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, AzureIdentityOptions o) =>
        string.IsNullOrWhiteSpace(o.ManagedIdentityClientId) || Guid.TryParse(o.ManagedIdentityClientId, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{AzureIdentityOptions.Section}:ManagedIdentityClientId must be the identity's client id, a GUID (was '{o.ManagedIdentityClientId}').");
}
