using Microsoft.Extensions.Options;

namespace Vigil.Core.Alerts;

/// <summary>
/// Section <c>Vigil:Escalation</c> (settings <c>Vigil__Escalation__Level2After</c>, <c>…Level3After</c>):
/// the delays of the seeded <c>default</c> escalation policy while nobody has edited it.
/// </summary>
public sealed class EscalationOptions
{
    public const string Section = "Vigil:Escalation";

    public TimeSpan Level2After { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan Level3After { get; set; } = TimeSpan.FromMinutes(15);
}

internal sealed class EscalationOptionsValidator : IValidateOptions<EscalationOptions>
{
    public ValidateOptionsResult Validate(string? name, EscalationOptions o) =>
        o.Level2After <= TimeSpan.Zero || o.Level3After <= o.Level2After
            ? ValidateOptionsResult.Fail($"{EscalationOptions.Section}: need 0 < Level2After < Level3After (were {o.Level2After} and {o.Level3After}).")
            : ValidateOptionsResult.Success;
}
