using Microsoft.Extensions.Options;

namespace Vigil.Core.Health;

/// <summary>Section <c>Vigil:Startup</c>.</summary>
public sealed class StartupOptions
{
    public const string Section = "Vigil:Startup";

    /// <summary>How long start-up waits for the database before giving up.</summary>
    public TimeSpan DatabaseWaitTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

internal sealed class StartupOptionsValidator : IValidateOptions<StartupOptions>
{
    public ValidateOptionsResult Validate(string? name, StartupOptions o) =>
        o.DatabaseWaitTimeout > TimeSpan.Zero
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{StartupOptions.Section}:DatabaseWaitTimeout must be positive (was {o.DatabaseWaitTimeout}).");
}
