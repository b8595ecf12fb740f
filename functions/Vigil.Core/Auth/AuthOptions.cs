using Microsoft.Extensions.Options;

namespace Vigil.Core.Auth;

/// <summary>
/// <c>AdminKey</c> comes from the <c>VIGIL_ADMIN_KEY</c> setting; the rest from <c>Vigil:Auth</c>.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Vigil:Auth";
    public const string AdminKeySetting = "VIGIL_ADMIN_KEY";
    public const int MinimumAdminKeyLength = 16;

    public string? AdminKey { get; set; }

    /// <summary>How long a looked-up key is trusted before it is read again (revocations on other hosts take this long).</summary>
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        // An empty setting means no admin key, as in a deployment that leaves it blank.
        if (!string.IsNullOrWhiteSpace(options.AdminKey) && options.AdminKey.Trim().Length < AuthOptions.MinimumAdminKeyLength)
        {
            return ValidateOptionsResult.Fail($"{AuthOptions.AdminKeySetting} must be at least {AuthOptions.MinimumAdminKeyLength} characters; use a long random value.");
        }
        if (options.KeyCacheDuration < TimeSpan.Zero || options.KeyCacheDuration > TimeSpan.FromMinutes(10))
        {
            return ValidateOptionsResult.Fail($"{AuthOptions.Section}:KeyCacheDuration must be between 0 and 10 minutes.");
        }
        return ValidateOptionsResult.Success;
    }
}
