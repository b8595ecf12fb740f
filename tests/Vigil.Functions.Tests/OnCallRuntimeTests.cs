using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Alerts;

namespace Vigil.Functions.Tests;

/// <summary>
/// On-call in the real Durable runtime: the orchestration interprets a four-level policy to people
/// and a schedule, an acknowledge link's POST stops it (its GET never does), a silence between levels
/// holds level 2 until it is deleted, and resolving by hand stops it with a resolve notice. Set-up and
/// actions go through the app's own HTTP functions, as the Functions host would invoke them.
/// </summary>
public sealed class OnCallRuntimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(40);

    /// <summary>Timers fire at or after their due time; this much later still counts as on time on a loaded machine.</summary>
    private static readonly TimeSpan Lateness = TimeSpan.FromSeconds(8);

    /// <summary>People alice, bob and manager, schedule "primary" (alice then bob), the policy, and sla_violation using it.</summary>
    private static async Task UseOnCallPolicyAsync(EscalatingApp app, params (string After, string Notify)[] levels)
    {
        foreach (var (id, name) in new[] { ("alice", "Alice"), ("bob", "Bob"), ("manager", "Erin Manager") })
        {
            Assert.Equal(201, await app.CallAsync("PUT", $"/api/people/{id}", JsonSerializer.Serialize(new { name, email = $"{id}@example.test" }),
                (f, r, _) => f.PutPerson(r, id)));
        }
        Assert.Equal(201, await app.CallAsync("PUT", "/api/schedules/primary", ScheduleBody(), (f, r, _) => f.PutSchedule(r, "primary")));
        var policy = JsonSerializer.Serialize(new { levels = levels.Select(l => new { after = l.After, channels = new[] { "webhook" }, notify = new[] { l.Notify } }) });
        Assert.Equal(201, await app.CallAsync("PUT", "/api/escalation-policies/oncall", policy, (f, r, _) => f.PutEscalationPolicy(r, "oncall")));

        var rules = app.Services.GetRequiredService<IAlertRuleStore>();
        var rule = (await rules.GetAsync(null, "sla_violation", CancellationToken.None))!;
        await rules.UpsertAsync(rule with { EscalationPolicyName = "oncall" }, CancellationToken.None);
    }

    /// <summary>Level 1 goes from the orchestration's first activity, just after EvaluateAlerts returns.</summary>
    private static Task WaitForTriggersAsync(EscalatingApp app, int count) =>
        app.Webhook.WaitForAsync(count, Patience, r => r.Json.GetProperty("event").GetString() == "trigger");

    private static string ScheduleBody(object? overrides = null) => JsonSerializer.Serialize(new
    {
        timezone = "Europe/Berlin", rotation = "weekly", handoff = "mon 09:00", participants = new[] { "alice", "bob" },
        overrides = overrides ?? Array.Empty<object>(),
    });

    [Fact]
    public async Task A_four_level_policy_reaches_the_person_on_call_at_each_level_and_a_get_of_the_link_never_stops_it()
    {
        await using var app = await EscalatingApp.StartAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15));
        await UseOnCallPolicyAsync(app, ("0s", "schedule:primary"), ("2s", "schedule:primary:secondary"), ("14s", "person:manager"), ("22s", "schedule:primary"));
        var alert = await app.FireSlaViolationAsync();
        var fired = alert.FiredAt!.Value;

        // Bob covers the primary shift from 12 s after firing: the plan was made at firing, but who
        // "schedule:primary" is gets decided when each level is sent.
        var cover = new[] { new { person = "bob", from = fired.AddSeconds(12), to = fired.AddHours(1) } };
        Assert.Equal(200, await app.CallAsync("PUT", "/api/schedules/primary", ScheduleBody(cover), (f, r, _) => f.PutSchedule(r, "primary")));

        // Link previews fetch the link: a page, and the escalation goes on.
        await WaitForTriggersAsync(app, 1);
        var token = app.Triggers()[0].Token;
        Assert.Equal(200, await app.CallAsync("GET", $"/api/ack/{token}", null, (f, r, _) => f.ShowAckLink(r, token), withKey: false));

        var completed = await app.Durable.WaitForCompletionAsync(alert.Id, Patience);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        var triggers = app.Triggers();
        Assert.Equal([(1, "alice"), (2, "bob"), (3, "manager"), (4, "bob")], triggers.Select(t => (t.Level, string.Join(",", t.Recipients))));
        double[] after = [0, 2, 14, 22];
        for (var i = 0; i < 4; i++) Assert.InRange(triggers[i].At, fired + TimeSpan.FromSeconds(after[i]), fired + TimeSpan.FromSeconds(after[i]) + Lateness);
        Assert.Equal(AlertState.Firing, (await app.GetAlertAsync(alert.Id)).State);
        Assert.Equal(4, (await app.GetAlertAsync(alert.Id)).EscalationLevel);
    }

    [Fact]
    public async Task A_silence_between_levels_holds_level_two_until_deleted_and_the_links_post_then_stops_the_escalation()
    {
        await using var app = await EscalatingApp.StartAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15));
        await UseOnCallPolicyAsync(app, ("0s", "schedule:primary"), ("3s", "schedule:primary:secondary"), ("25s", "person:manager"), ("60s", "schedule:primary"));
        var alert = await app.FireSlaViolationAsync();
        await WaitForTriggersAsync(app, 1);

        var silence = JsonSerializer.Serialize(new { matchers = new { rule = "sla_violation", bot = "lead_bot" }, ends_at = DateTimeOffset.UtcNow.AddHours(1), comment = "deploy" });
        Assert.Equal(201, await app.CallAsync("POST", "/api/silences", silence, (f, r, _) => f.CreateSilence(r)));

        // Level 2 falls due under the silence: recorded as suppressed, not sent, the alert held.
        var deadline = DateTime.UtcNow + Patience;
        while ((await app.GetAlertAsync(alert.Id)).HeldUntil is null && DateTime.UtcNow < deadline) await Task.Delay(100);
        var held = await app.GetAlertAsync(alert.Id);
        Assert.NotNull(held.HeldUntil);
        Assert.Contains(held.Notifications, n => n is { Status: DeliveryStatus.Suppressed, Level: 2, Channel: Channels.Webhook });
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.Single(app.Triggers());

        // Deleted early: the held level goes at once (the orchestration is released), then level 3 when due.
        var silences = app.Services.GetRequiredService<Vigil.Core.Silences.ISilenceStore>();
        var id = (await silences.ListAsync(Vigil.Core.TenantScope.All, activeOnly: true, app.Time.GetUtcNow(), CancellationToken.None)).Single().Id.ToString();
        var released = DateTimeOffset.UtcNow;
        Assert.Equal(204, await app.CallAsync("DELETE", $"/api/silences/{id}", null, (f, r, d) => f.DeleteSilence(r, id, d)));
        await WaitForTriggersAsync(app, 2);
        Assert.Equal([1, 2], app.Triggers().Select(t => t.Level));
        Assert.InRange(app.Triggers()[1].At, released, released + Lateness);
        await WaitForTriggersAsync(app, 3);

        // The link's POST acknowledges; level 4 (a minute on) never goes and the orchestration completes.
        var token = app.Triggers()[0].Token;
        Assert.Equal(200, await app.PostAckLinkAsync(token, "Bob"));
        var completed = await app.Durable.WaitForCompletionAsync(alert.Id, TimeSpan.FromSeconds(20));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        var acknowledged = await app.GetAlertAsync(alert.Id);
        Assert.Equal((AlertState.Acknowledged, "link: Bob"), (acknowledged.State, acknowledged.AcknowledgedBy));
        Assert.Equal([1, 2, 3], app.Triggers().Select(t => t.Level));
    }

    [Fact]
    public async Task Resolving_by_hand_stops_the_orchestration_and_sends_the_resolve_notice_and_the_link_is_then_gone()
    {
        await using var app = await EscalatingApp.StartAsync(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15));
        await UseOnCallPolicyAsync(app, ("0s", "schedule:primary"), ("30s", "schedule:primary:secondary"));
        var alert = await app.FireSlaViolationAsync();
        await WaitForTriggersAsync(app, 1);
        var body = JsonSerializer.Serialize(new { resolved_by = "alice", note = "rolled back" });
        Assert.Equal(200, await app.CallAsync("POST", $"/api/alerts/{alert.Id}/resolve", body, (f, r, d) => f.ResolveAlert(r, alert.Id.ToString(), d)));

        var completed = await app.Durable.WaitForCompletionAsync(alert.Id, TimeSpan.FromSeconds(20));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        Assert.True(completed.LastUpdatedAt < alert.FiredAt!.Value + TimeSpan.FromSeconds(30), "stopped before level 2's timer");
        var resolves = await app.Webhook.WaitForAsync(1, Patience, r => r.Json.GetProperty("event").GetString() == "resolve");
        Assert.Equal(alert.Id.ToString(), resolves[0].Json.GetProperty("alert").GetProperty("id").GetString());
        var resolved = await app.GetAlertAsync(alert.Id);
        Assert.Equal((AlertState.Resolved, "alice"), (resolved.State, resolved.ResolvedBy));
        Assert.Equal(409, await app.CallAsync("POST", $"/api/alerts/{alert.Id}/resolve", body, (f, r, d) => f.ResolveAlert(r, alert.Id.ToString(), d)));
        var token = app.Triggers()[0].Token;
        Assert.Equal(410, await app.CallAsync("GET", $"/api/ack/{token}", null, (f, r, _) => f.ShowAckLink(r, token), withKey: false));
    }
}
