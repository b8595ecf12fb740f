using Vigil.Core.Alerts;

namespace Vigil.Core.Silences;

/// <summary>The labels silences match on: the rule's name, severity and priority, and the alert's group.</summary>
public static class SilenceLabels
{
    public const string Rule = "rule";
    public const string Severity = "severity";
    public const string Tenant = "tenant_id";

    public static IReadOnlyDictionary<string, string> Of(Alert alert)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Rule] = alert.Rule,
            [Severity] = alert.Severity.ToName(),
        };
        if (alert.TenantId is { } tenant) labels[Tenant] = tenant;
        foreach (var (name, value) in alert.Group) labels[name] = value;
        return labels;
    }
}
