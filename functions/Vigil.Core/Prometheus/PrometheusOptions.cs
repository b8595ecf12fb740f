using Microsoft.Extensions.Options;

namespace Vigil.Core.Prometheus;

/// <summary>Section <c>Vigil:Prometheus</c>: <c>GET /api/metrics/prometheus</c>.</summary>
public sealed class PrometheusOptions
{
    public const string Section = "Vigil:Prometheus";

    /// <summary>
    /// At most this many label sets per metric (the busiest series by event count are kept, the
    /// rest counted in <c>vigil_series_dropped</c>), so a bot that invents a model name per call
    /// cannot blow up Prometheus' memory. Setting <c>Vigil__Prometheus__MaxSeriesPerMetric</c>.
    /// </summary>
    public int MaxSeriesPerMetric { get; set; } = 500;
}

internal sealed class PrometheusOptionsValidator : IValidateOptions<PrometheusOptions>
{
    public ValidateOptionsResult Validate(string? name, PrometheusOptions o) =>
        o.MaxSeriesPerMetric is >= 1 and <= 100_000
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{PrometheusOptions.Section}:MaxSeriesPerMetric must be between 1 and 100000 (was {o.MaxSeriesPerMetric}).");
}
