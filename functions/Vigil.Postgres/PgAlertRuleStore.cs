using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vigil.Core;
using Vigil.Core.Alerts;
using Vigil.Core.Metrics;

namespace Vigil.Postgres;

/// <summary>Table alert_rules. A rule is (tenant_id, name); every statement carries the scope.</summary>
public sealed class PgAlertRuleStore(NpgsqlDataSource dataSource) : IAlertRuleStore
{
    private const string Columns = "name, description, metric, filters::text, group_by, window_seconds, comparator, threshold, threshold_from, for_seconds, min_samples, severity, cooldown_seconds, channels, escalate, enabled, created_at, updated_at, tenant_id, escalation_policy, priority";

    public Task<IReadOnlyList<AlertRule>> ListAsync(TenantScope scope, CancellationToken cancellationToken) => PgCall.Run<IReadOnlyList<AlertRule>>(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM alert_rules WHERE {PgScope.Condition("tenant_id", 1)} ORDER BY tenant_id NULLS FIRST, name");
        PgScope.Add(command.Parameters, scope);
        return await ReadAllAsync(command, cancellationToken);
    });

    public Task<AlertRule?> GetAsync(string? tenantId, string name, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM alert_rules WHERE tenant_id IS NOT DISTINCT FROM $2 AND name = $1");
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(PgScope.Tenant(tenantId));
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    });

    public Task<bool> UpsertAsync(AlertRule rule, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO alert_rules (name, description, metric, filters, group_by, window_seconds, comparator, threshold, threshold_from,
                for_seconds, min_samples, severity, cooldown_seconds, channels, escalate, enabled, created_at, updated_at, tenant_id, escalation_policy,
                priority)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18, $19, $20)
            ON CONFLICT ON CONSTRAINT alert_rules_scope_name DO UPDATE SET description = excluded.description, metric = excluded.metric, filters = excluded.filters,
                group_by = excluded.group_by, window_seconds = excluded.window_seconds, comparator = excluded.comparator,
                threshold = excluded.threshold, threshold_from = excluded.threshold_from, for_seconds = excluded.for_seconds,
                min_samples = excluded.min_samples, severity = excluded.severity, cooldown_seconds = excluded.cooldown_seconds,
                channels = excluded.channels, escalate = excluded.escalate, enabled = excluded.enabled, updated_at = excluded.updated_at,
                escalation_policy = excluded.escalation_policy, priority = excluded.priority
            RETURNING xmax = 0
            """);
        var p = command.Parameters;
        p.Add(new() { Value = rule.Name });
        p.Add(new() { Value = rule.Description });
        p.Add(new() { Value = rule.Metric.ToName() });
        p.Add(new() { Value = FiltersJson(rule.Filters) });
        p.Add(new() { Value = rule.GroupBy.Select(d => d.ToName()).ToArray() });
        p.Add(new() { Value = (int)rule.Window.TotalSeconds });
        p.Add(new() { Value = rule.Comparator.ToSymbol() });
        p.Add(new() { Value = (object?)rule.Threshold ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Double });
        p.Add(new() { Value = (object?)rule.ThresholdFrom?.ToName() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        p.Add(new() { Value = (int)rule.For.TotalSeconds });
        p.Add(new() { Value = rule.MinSamples });
        p.Add(new() { Value = rule.Severity.ToName() });
        p.Add(new() { Value = (int)rule.Cooldown.TotalSeconds });
        p.Add(new() { Value = rule.Channels.ToArray() });
        p.Add(new() { Value = (object?)rule.Escalate ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Boolean });
        p.Add(new() { Value = rule.Enabled });
        p.Add(new() { Value = rule.UpdatedAt });
        p.Add(PgScope.Tenant(rule.TenantId));
        p.Add(new() { Value = rule.EscalationPolicyName });
        p.Add(new() { Value = (object?)rule.Priority?.ToName() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    public Task<bool> DeleteAsync(string? tenantId, string name, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand("DELETE FROM alert_rules WHERE tenant_id IS NOT DISTINCT FROM $2 AND name = $1");
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(PgScope.Tenant(tenantId));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    });

    public Task<AlertRule?> SetEnabledAsync(string? tenantId, string name, bool enabled, DateTimeOffset at, CancellationToken cancellationToken) => PgCall.Run(async () =>
    {
        await using var command = dataSource.CreateCommand($"UPDATE alert_rules SET enabled = $2, updated_at = $3 WHERE tenant_id IS NOT DISTINCT FROM $4 AND name = $1 RETURNING {Columns}");
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = enabled });
        command.Parameters.Add(new() { Value = at });
        command.Parameters.Add(PgScope.Tenant(tenantId));
        return (await ReadAllAsync(command, cancellationToken)).FirstOrDefault();
    });

    private static string FiltersJson(MetricFilter filter) =>
        JsonSerializer.Serialize(filter.Values.ToDictionary(f => f.Key.ToName(), f => f.Value));

    private static async Task<List<AlertRule>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rules = new List<AlertRule>();
        await using var r = await command.ExecuteReaderAsync(cancellationToken);
        while (await r.ReadAsync(cancellationToken))
        {
            var filters = new MetricFilter();
            foreach (var (name, values) in JsonSerializer.Deserialize<Dictionary<string, string[]>>(r.GetString(3))!)
            {
                if (Dimensions.TryParse(name, out var d)) filters.With(d, values);
            }
            rules.Add(new AlertRule
            {
                Name = r.GetString(0),
                Description = r.GetString(1),
                Metric = AlertNames.TryParseMetric(r.GetString(2), out var metric) ? metric : throw new InvalidDataException($"Unknown metric '{r.GetString(2)}'."),
                Filters = filters,
                GroupBy = [.. r.GetFieldValue<string[]>(4).Select(n => Dimensions.TryParse(n, out var d) ? d : throw new InvalidDataException($"Unknown dimension '{n}'."))],
                Window = TimeSpan.FromSeconds(r.GetInt32(5)),
                Comparator = AlertNames.TryParseComparator(r.GetString(6), out var c) ? c : Comparator.GreaterThan,
                Threshold = r.IsDBNull(7) ? null : r.GetDouble(7),
                ThresholdFrom = r.IsDBNull(8) ? null : AlertNames.TryParseSlaThreshold(r.GetString(8), out var t) ? t : null,
                For = TimeSpan.FromSeconds(r.GetInt32(9)),
                MinSamples = r.GetInt64(10),
                Severity = AlertNames.TryParseSeverity(r.GetString(11), out var s) ? s : Severity.Warning,
                Cooldown = TimeSpan.FromSeconds(r.GetInt32(12)),
                Channels = r.GetFieldValue<string[]>(13),
                Escalate = r.IsDBNull(14) ? null : r.GetBoolean(14),
                Enabled = r.GetBoolean(15),
                CreatedAt = r.GetFieldValue<DateTimeOffset>(16),
                UpdatedAt = r.GetFieldValue<DateTimeOffset>(17),
                TenantId = PgScope.ReadTenant(r, 18),
                EscalationPolicyName = r.GetString(19),
                Priority = !r.IsDBNull(20) && Priorities.TryParse(r.GetString(20), out var priority) ? priority : null,
            });
        }
        return rules;
    }
}
