using Microsoft.AspNetCore.Http;
using Vigil.Core;
using Vigil.Core.Auth;
using Vigil.Core.Events;
using Vigil.Core.Metrics;

namespace Vigil.Api;

/// <summary>
/// Reads query parameters strictly: an unknown or repeated parameter is an error naming it, so a
/// typo such as <c>?windw=7d</c> is reported instead of silently answering for the default window.
/// </summary>
public sealed class QueryReader
{
    public static readonly string[] FilterNames = ["tenant_id", "bot", "operation", "model", "type", "batch_job"];

    private readonly IQueryCollection _query;
    private readonly HashSet<string> _invalid = new(StringComparer.Ordinal);

    public QueryReader(IQueryCollection query, IEnumerable<string> allowed)
    {
        _query = query;
        var known = allowed.ToHashSet(StringComparer.Ordinal);
        foreach (var (name, values) in query)
        {
            if (!known.Contains(name))
            {
                Errors.Add(name, $"unknown parameter '{name}'; this route takes {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            }
            else if (values.Count > 1)
            {
                Errors.Add(name, $"'{name}' is given {values.Count} times; give it once (comma-separate several values).");
            }
            else if (ValueProblem(values[0]) is { } problem)
            {
                // Values filter stored text: PostgreSQL would refuse a NUL, and no stored name holds a control character.
                Errors.Add(name, $"'{name}' {problem}; a parameter's value is text without control characters.");
                _invalid.Add(name);
            }
        }
    }

    public FieldErrors Errors { get; } = new();

    private static string? ValueProblem(string? value) =>
        StorableText.Problem(value) ?? (StorableText.HasControl(value ?? "") ? "holds a control character" : null);

    /// <summary>The parameter's value, trimmed; null when absent, blank or refused (the error is in <see cref="Errors"/>).</summary>
    public string? Get(string name) =>
        !_invalid.Contains(name) && _query.TryGetValue(name, out var v) && v.Count == 1 && !string.IsNullOrWhiteSpace(v[0])
            ? v[0]!.Trim()
            : null;

    public string[]? List(string name) =>
        Get(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } values ? values : null;

    public MetricWindow Window(DateTimeOffset now)
    {
        if (!MetricWindow.TryResolve(Get("window"), now, out var window, out var error)) Errors.Add("window", error);
        return window;
    }

    /// <summary>The dimension filters; a tenant-bound key sees its own tenant only (403 for another).</summary>
    public (MetricFilter Filter, ProblemResult? Forbidden) Filter(ApiPrincipal principal, IEnumerable<string>? names = null)
    {
        var filter = new MetricFilter();
        foreach (var name in names ?? FilterNames)
        {
            if (List(name) is not { } values) continue;
            if (!Dimensions.TryParse(name, out var dimension)) continue;
            if (dimension == Dimension.Type)
            {
                foreach (var v in values.Where(v => !EventTypes.TryParse(v, out _)))
                {
                    Errors.Add("type", $"'{v}' is not an event type; use {string.Join(", ", EventTypes.Names)}.");
                }
            }
            filter.With(dimension, values);
        }
        if (principal.TenantId is { } bound)
        {
            if (filter.Get(Dimension.TenantId) is { } tenants && tenants.Any(t => t != bound))
            {
                return (filter, ApiGate.CheckTenant(principal, tenants.First(t => t != bound)));
            }
            filter.With(Dimension.TenantId, bound);
        }
        return (filter, null);
    }

    public IReadOnlyList<Dimension> GroupBy(string[] allowed, string fallback)
    {
        var names = List("group_by") ?? [fallback];
        var result = new List<Dimension>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (Array.IndexOf(allowed, name) < 0 || !Dimensions.TryParse(name, out var dimension))
            {
                Errors.Add("group_by", $"cannot group by '{name}'; use {string.Join(", ", allowed)} (comma-separated for several).");
                continue;
            }
            result.Add(dimension);
        }
        return result;
    }

    public int Int(string name, int fallback, int min, int max)
    {
        var text = Get(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Errors.Add(name, $"{name} must be a whole number from {min} to {max}.");
            return fallback;
        }
        return value;
    }
}
