namespace Vigil.Core.Pricing;

/// <summary>
/// List prices in USD per 1M tokens (input, cached input, output) of common OpenAI, Azure OpenAI,
/// Anthropic and Google models, standard tier, short context. Prices change: override them in
/// configuration (<see cref="PricingOptions"/>) rather than editing code. Azure OpenAI deployments
/// named after the model ("gpt-4o", "gpt-35-turbo") price like the OpenAI model.
/// </summary>
public static class DefaultPrices
{
    public static readonly IReadOnlyDictionary<string, ModelPrice> Table = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        // OpenAI / Azure OpenAI
        ["gpt-5"] = new(1.25m, 0.125m, 10.00m),
        ["gpt-5-mini"] = new(0.25m, 0.025m, 2.00m),
        ["gpt-5-nano"] = new(0.05m, 0.005m, 0.40m),
        ["gpt-4.1"] = new(2.00m, 0.50m, 8.00m),
        ["gpt-4.1-mini"] = new(0.40m, 0.10m, 1.60m),
        ["gpt-4.1-nano"] = new(0.10m, 0.025m, 0.40m),
        ["gpt-4o"] = new(2.50m, 1.25m, 10.00m),
        ["gpt-4o-mini"] = new(0.15m, 0.075m, 0.60m),
        ["gpt-4-turbo"] = new(10.00m, 10.00m, 30.00m),
        ["gpt-4"] = new(30.00m, 30.00m, 60.00m),
        ["gpt-3.5-turbo"] = new(0.50m, 0.50m, 1.50m),
        ["gpt-35-turbo"] = new(0.50m, 0.50m, 1.50m),
        ["o1"] = new(15.00m, 7.50m, 60.00m),
        ["o1-mini"] = new(1.10m, 0.55m, 4.40m),
        ["o3"] = new(2.00m, 0.50m, 8.00m),
        ["o3-mini"] = new(1.10m, 0.55m, 4.40m),
        ["o4-mini"] = new(1.10m, 0.275m, 4.40m),
        ["text-embedding-3-small"] = new(0.02m, 0.02m, 0m),
        ["text-embedding-3-large"] = new(0.13m, 0.13m, 0m),
        // Anthropic (cached input = prompt-cache read)
        ["claude-opus-4-6"] = new(5.00m, 0.50m, 25.00m),
        ["claude-opus-4-5"] = new(5.00m, 0.50m, 25.00m),
        ["claude-opus-4-1"] = new(15.00m, 1.50m, 75.00m),
        ["claude-opus-4"] = new(15.00m, 1.50m, 75.00m),
        ["claude-sonnet-4-5"] = new(3.00m, 0.30m, 15.00m),
        ["claude-sonnet-4"] = new(3.00m, 0.30m, 15.00m),
        ["claude-haiku-4-5"] = new(1.00m, 0.10m, 5.00m),
        ["claude-3-7-sonnet"] = new(3.00m, 0.30m, 15.00m),
        ["claude-3-5-sonnet"] = new(3.00m, 0.30m, 15.00m),
        ["claude-3-5-haiku"] = new(0.80m, 0.08m, 4.00m),
        ["claude-3-opus"] = new(15.00m, 1.50m, 75.00m),
        ["claude-3-haiku"] = new(0.25m, 0.03m, 1.25m),
        // Google
        ["gemini-2.5-pro"] = new(1.25m, 0.31m, 10.00m),
        ["gemini-2.5-flash"] = new(0.30m, 0.075m, 2.50m),
        ["gemini-2.5-flash-lite"] = new(0.10m, 0.025m, 0.40m),
        ["gemini-2.0-flash"] = new(0.10m, 0.025m, 0.40m),
        ["gemini-2.0-flash-lite"] = new(0.075m, 0.075m, 0.30m),
        ["gemini-1.5-pro"] = new(1.25m, 0.3125m, 5.00m),
        ["gemini-1.5-flash"] = new(0.075m, 0.01875m, 0.30m),
        ["gemini-pro"] = new(0.50m, 0.50m, 1.50m),
    };
}
