using Microsoft.Extensions.Options;

namespace Vigil.Core.Pricing;

/// <summary>
/// Section <c>Vigil:Pricing</c>. <c>Models</c> adds to or overrides the default table, e.g.
/// <c>Vigil__Pricing__Models__my-finetune__Input=3</c>; <c>UseDefaults=false</c> starts empty.
/// </summary>
public sealed class PricingOptions
{
    public const string Section = "Vigil:Pricing";

    public bool UseDefaults { get; set; } = true;

    public Dictionary<string, ModelPriceOption> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, ModelPrice> Effective()
    {
        var table = UseDefaults
            ? new Dictionary<string, ModelPrice>(DefaultPrices.Table, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, p) in Models)
        {
            table[name] = new ModelPrice(p.Input, p.CachedInput ?? p.Input, p.Output);
        }
        return table;
    }
}

/// <summary>USD per one million tokens; <c>CachedInput</c> defaults to <c>Input</c>.</summary>
public sealed class ModelPriceOption
{
    public decimal Input { get; set; }
    public decimal? CachedInput { get; set; }
    public decimal Output { get; set; }
}

internal sealed class PricingOptionsValidator : IValidateOptions<PricingOptions>
{
    public ValidateOptionsResult Validate(string? name, PricingOptions options)
    {
        var failures = options.Models
            .Where(m => m.Value.Input < 0 || m.Value.Output < 0 || m.Value.CachedInput < 0)
            .Select(m => $"{PricingOptions.Section}:Models:{m.Key} has a negative price.")
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
