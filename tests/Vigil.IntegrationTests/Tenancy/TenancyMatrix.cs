using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Core.Alerts;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests.Tenancy;

/// <summary>
/// The tenant matrix: every route of <c>ApiRoutes.All</c> and the local host's
/// <c>POST /admin/functions/{name}</c>, asked with an unbound, an acme-bound and a globex-bound admin
/// key about a global, an acme and a globex object (or naming no, acme's or globex's tenant), with
/// the exact status the contract allows, bodies checked to hold nothing of another scope, and
/// every refused change checked to have changed nothing.
/// <para>
/// The rules (docs/tenancy.md): a route naming an object addresses the key's scope — a bound
/// key's tenant, the global scope for an unbound key — so an object of another scope is 404;
/// <c>?tenant_id=</c> (or a body's <c>tenant_id</c>) moves an unbound key to that tenant, and is 403
/// for a bound key naming another tenant. A create-or-replace in another scope's name creates the
/// key's own object (201) beside the other, untouched. Ids (alerts, keys) are unique: a bound key
/// finds only its tenant's. Lists show a bound key its tenant only, an unbound key every scope.
/// </para>
/// </summary>
internal static class TenancyMatrix
{
    /// <summary>One row: the route, the key (unbound, acme, globex) and what it asks about.</summary>
    public sealed record Case(string Route, string Key, string Subject, Func<TenancyWorld, Task> Run)
    {
        public string Name => NameOf(Route, Key, Subject);
    }

    public static string NameOf(string route, string key, string subject) => $"{route} | {key} key | {subject}";

    private enum Addressing
    {
        Plain,
        Query,
        Body,
    }

    /// <summary>A kind of object: how a case creates one in a scope and reads it back (as the admin) to see whether it changed.</summary>
    private sealed record Kind(Func<TenancyWorld, string?, Task<string>> Create, Func<TenancyWorld, string?, string, Task<string>> Fingerprint);

    private static readonly Kind Budget = new((w, s) => w.CreateBudgetAsync(s), (w, s, r) => TextAsync(w.Admin, $"/api/budgets/{r}{TenancyWorld.Query(s)}"));

    private static readonly Kind Job = new((w, s) => w.CreateJobAsync(s), async (w, s, r) =>
        await TextAsync(w.Admin, $"/api/batch-jobs/{r}{TenancyWorld.Query(s)}") + RunsOf(await JsonAsync(w.Admin, $"/api/batch-jobs/{r}/runs{TenancyWorld.Query(s)}")));

    private static readonly Kind Run = new((w, s) => w.CreateRunAsync(s), async (w, s, r) =>
        RunsOf(await JsonAsync(w.Admin, $"/api/batch-jobs/{r.Split('/')[0]}/runs{TenancyWorld.Query(s)}")));

    private static readonly Kind Rule = new((w, s) => w.CreateRuleAsync(s), (w, s, r) => TextAsync(w.Admin, $"/api/alert-rules/{r}{TenancyWorld.Query(s)}"));

    private static readonly Kind Target = new((w, s) => w.CreateTargetAsync(s), async (w, s, r) =>
        string.Join(';', (await JsonAsync(w.Admin, $"/api/sla-targets{TenancyWorld.Query(s)}")).GetProperty("targets").EnumerateArray()
            .Where(t => TenantOf(t) == s && $"{t.GetProperty("bot").GetString()}/{t.GetProperty("operation").GetString()}" == r)
            .Select(t => t.GetRawText())));

    private static readonly Kind Alert = new((w, s) => w.CreateAlertAsync(s), async (w, _, r) =>
    {
        var alert = await JsonAsync(w.Admin, $"/api/alerts/{r}");
        return $"{alert.GetProperty("state").GetString()}|{alert.GetProperty("acknowledged_by")}";
    });

    // A postmortem write changes only the postmortem: that is what a refused one must leave as it was.
    private static readonly Kind Postmortem = new((w, s) => w.CreateAlertAsync(s), async (w, _, r) =>
        (await JsonAsync(w.Admin, $"/api/alerts/{r}")).GetProperty("postmortem").GetRawText());

    private static readonly Kind Key = new((w, s) => w.CreateKeyAsync(s), async (w, s, r) =>
        string.Join(';', (await JsonAsync(w.Admin, $"/api/keys{TenancyWorld.Query(s)}")).GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("id").GetString() == r).Select(k => k.GetRawText())));

    private static readonly Kind Policy = new((w, s) => w.CreatePolicyAsync(s), (w, s, r) => TextAsync(w.Admin, $"/api/escalation-policies/{r}{TenancyWorld.Query(s)}"));

    private static readonly Kind Person = new((w, s) => w.CreatePersonAsync(s), (w, s, r) => TextAsync(w.Admin, $"/api/people/{r}{TenancyWorld.Query(s)}"));

    // The on-call answer changes with the clock; the stored schedule does not.
    private static readonly Kind Schedule = new((w, s) => w.CreateScheduleAsync(s), async (w, s, r) =>
    {
        var schedule = await JsonAsync(w.Admin, $"/api/schedules/{r}{TenancyWorld.Query(s)}");
        return $"{schedule.GetProperty("participants")}|{schedule.GetProperty("updated_at")}";
    });

    private static readonly Kind SilenceKind = new((w, s) => w.CreateSilenceAsync(s), (w, _, r) => TextAsync(w.Admin, $"/api/silences/{r}"));

    private const string CompleteBody = """{"succeeded":9,"failed":1,"cost_usd":0.5}""";
    private const string ToggleBody = """{"by":"matrix","reason":"matrix case"}""";

    public static IReadOnlyDictionary<string, Case> Cases { get; } = Build().ToDictionary(c => c.Name, StringComparer.Ordinal);

    private static IEnumerable<Case> Build()
    {
        var byName = new (string Method, string Template, Kind Kind, Func<string, string> Path, string? Body, int Success)[]
        {
            ("GET", "/api/budgets/{name}", Budget, r => $"/api/budgets/{r}", null, 200),
            ("DELETE", "/api/budgets/{name}", Budget, r => $"/api/budgets/{r}", null, 204),
            ("GET", "/api/batch-jobs/{name}", Job, r => $"/api/batch-jobs/{r}", null, 200),
            ("POST", "/api/batch-jobs/{name}/runs", Job, r => $"/api/batch-jobs/{r}/runs", "{}", 201),
            ("GET", "/api/batch-jobs/{name}/runs", Job, r => $"/api/batch-jobs/{r}/runs", null, 200),
            ("POST", "/api/batch-jobs/{name}/runs/{run_id}/complete", Run, r => $"/api/batch-jobs/{r.Replace("/", "/runs/", StringComparison.Ordinal)}/complete", CompleteBody, 200),
            ("POST", "/api/batch-jobs/{name}/enable", Job, r => $"/api/batch-jobs/{r}/enable", ToggleBody, 200),
            ("POST", "/api/batch-jobs/{name}/disable", Job, r => $"/api/batch-jobs/{r}/disable", ToggleBody, 200),
            ("GET", "/api/alert-rules/{name}", Rule, r => $"/api/alert-rules/{r}", null, 200),
            ("DELETE", "/api/alert-rules/{name}", Rule, r => $"/api/alert-rules/{r}", null, 204),
            ("POST", "/api/alert-rules/{name}/enable", Rule, r => $"/api/alert-rules/{r}/enable", null, 200),
            ("POST", "/api/alert-rules/{name}/disable", Rule, r => $"/api/alert-rules/{r}/disable", null, 200),
            ("DELETE", "/api/sla-targets/{bot}/{operation}", Target, r => $"/api/sla-targets/{r}", null, 204),
            ("GET", "/api/escalation-policies/{name}", Policy, r => $"/api/escalation-policies/{r}", null, 200),
            ("DELETE", "/api/escalation-policies/{name}", Policy, r => $"/api/escalation-policies/{r}", null, 204),
            ("GET", "/api/people/{id}", Person, r => $"/api/people/{r}", null, 200),
            ("DELETE", "/api/people/{id}", Person, r => $"/api/people/{r}", null, 204),
            ("GET", "/api/schedules/{name}", Schedule, r => $"/api/schedules/{r}", null, 200),
            ("DELETE", "/api/schedules/{name}", Schedule, r => $"/api/schedules/{r}", null, 204),
            ("GET", "/api/schedules/{name}/on-call", Schedule, r => $"/api/schedules/{r}/on-call", null, 200),
            ("POST", "/api/batch-jobs/{name}/runs/{run_id}/progress", Run, r => $"/api/batch-jobs/{r.Replace("/", "/runs/", StringComparison.Ordinal)}/progress",
                """{"done":3,"total":10}""", 200),
        };
        foreach (var route in byName)
        {
            foreach (var (binding, scope, addressing) in Combinations([Addressing.Plain, Addressing.Query]))
            {
                yield return new Case($"{route.Method} {route.Template}", Label(binding), Subject(scope, addressing), async world =>
                {
                    var own = Scopes.Of(binding);
                    var expected = addressing == Addressing.Plain ? (own == scope ? route.Success : 404) : (own is null || own == scope ? route.Success : 403);
                    var reference = await route.Kind.Create(world, scope);
                    var before = await route.Kind.Fingerprint(world, scope, reference);
                    var url = route.Path(reference) + (addressing == Addressing.Query ? TenancyWorld.Query(scope) : "");
                    var (status, body) = await SendAsync(world.Keys[binding], route.Method, url, route.Body);
                    AssertAnswer(expected, status, body, own, binding);
                    if (status >= 400 && route.Method != "GET") Assert.Equal(before, await route.Kind.Fingerprint(world, scope, reference));
                });
            }
        }

        var puts = new (string Template, Kind Kind, Func<string, string> Path, Func<string?, string?, object> Body)[]
        {
            ("/api/budgets/{name}", Budget, r => $"/api/budgets/{r}", TenancyWorld.BudgetBody),
            ("/api/batch-jobs/{name}", Job, r => $"/api/batch-jobs/{r}", TenancyWorld.JobBody),
            ("/api/alert-rules/{name}", Rule, r => $"/api/alert-rules/{r}", TenancyWorld.RuleBody),
            ("/api/sla-targets/{bot}/{operation}", Target, r => $"/api/sla-targets/{r}", (_, tenant) => TenancyWorld.TargetBody(tenant)),
            ("/api/escalation-policies/{name}", Policy, r => $"/api/escalation-policies/{r}", TenancyWorld.PolicyBody),
            ("/api/people/{id}", Person, r => $"/api/people/{r}", TenancyWorld.PersonBody),
            // Everyone a schedule names must exist in its scope or globally: the matrix's global person does.
            ("/api/schedules/{name}", Schedule, r => $"/api/schedules/{r}", (_, tenant) => TenancyWorld.ScheduleBody(TenancyWorld.OnCallPerson, tenant)),
        };
        foreach (var route in puts)
        {
            foreach (var (binding, scope, addressing) in Combinations([Addressing.Plain, Addressing.Query, Addressing.Body]))
            {
                yield return new Case($"PUT {route.Template}", Label(binding), Subject(scope, addressing), async world =>
                {
                    var own = Scopes.Of(binding);
                    // Plain, the key writes its own scope: the same object (200), or its own beside another scope's (201).
                    var expected = addressing == Addressing.Plain ? (own == scope ? 200 : 201) : (own is null || own == scope ? 200 : 403);
                    var writes = addressing == Addressing.Plain ? own : scope;
                    var reference = await route.Kind.Create(world, scope);
                    var before = await route.Kind.Fingerprint(world, scope, reference);
                    var url = route.Path(reference) + (addressing == Addressing.Query ? TenancyWorld.Query(scope) : "");
                    var body = JsonSerializer.Serialize(route.Body(writes, addressing == Addressing.Body ? scope : null));
                    var (status, text) = await SendAsync(world.Keys[binding], "PUT", url, body);
                    AssertAnswer(expected, status, text, own, binding);
                    if (status is 201 or 403) Assert.Equal(before, await route.Kind.Fingerprint(world, scope, reference));
                    if (status is 201) Assert.NotEqual("", await route.Kind.Fingerprint(world, own, reference));
                });
            }
        }

        var byId = new (string Method, string Template, Kind Kind, Func<string, string> Path, string? Body, int Success)[]
        {
            ("GET", "/api/alerts/{id}", Alert, r => $"/api/alerts/{r}", null, 200),
            ("POST", "/api/alerts/{id}/ack", Alert, r => $"/api/alerts/{r}/ack", """{"acknowledged_by":"matrix"}""", 200),
            ("DELETE", "/api/keys/{id}", Key, r => $"/api/keys/{r}", null, 204),
            ("POST", "/api/alerts/{id}/resolve", Alert, r => $"/api/alerts/{r}/resolve", """{"resolved_by":"matrix"}""", 200),
            ("GET", "/api/silences/{id}", SilenceKind, r => $"/api/silences/{r}", null, 200),
            ("DELETE", "/api/silences/{id}", SilenceKind, r => $"/api/silences/{r}", null, 204),
            ("PUT", "/api/alerts/{id}/postmortem", Postmortem, r => $"/api/alerts/{r}/postmortem", """{"summary":"matrix postmortem"}""", 200),
        };
        foreach (var route in byId)
        {
            foreach (var (binding, scope, _) in Combinations([Addressing.Plain]))
            {
                yield return new Case($"{route.Method} {route.Template}", Label(binding), Subject(scope, Addressing.Plain), async world =>
                {
                    var own = Scopes.Of(binding);
                    var expected = own is null || own == scope ? route.Success : 404;
                    var reference = await route.Kind.Create(world, scope);
                    var before = await route.Kind.Fingerprint(world, scope, reference);
                    var (status, body) = await SendAsync(world.Keys[binding], route.Method, route.Path(reference), route.Body);
                    AssertAnswer(expected, status, body, own, binding);
                    if (status >= 400) Assert.Equal(before, await route.Kind.Fingerprint(world, scope, reference));
                });
            }
        }

        var lists = new (string Template, string Path, bool Marked, bool GlobalDefaults)[]
        {
            ("/api/keys", "/api/keys", true, false),
            ("/api/metrics/latency", "/api/metrics/latency?window=1h", false, false),
            ("/api/metrics/summary", "/api/metrics/summary?window=1h&group_by=bot", true, false),
            ("/api/metrics/timeseries", "/api/metrics/timeseries?window=1h&step=5m&metric=event_count,latency_p95&group_by=bot", true, false),
            ("/api/metrics/cost", "/api/metrics/cost?window=1h&group_by=bot", true, false),
            // A tenant's view of SLA compliance may show a global target as its default (tenant_id null), never another tenant's.
            ("/api/sla", "/api/sla?window=1h", false, true),
            ("/api/sla-targets", "/api/sla-targets", false, false),
            ("/api/alert-rules", "/api/alert-rules", true, false),
            ("/api/alerts", "/api/alerts", true, false),
            ("/api/budgets", "/api/budgets", true, false),
            ("/api/batch-jobs", "/api/batch-jobs", true, false),
            ("/api/events", "/api/events?window=1h", false, false),
            ("/api/escalation-policies", "/api/escalation-policies", true, false),
            ("/api/people", "/api/people", true, false),
            // A schedule holds no free text to mark; its tenant_id alone tells the scopes apart.
            ("/api/schedules", "/api/schedules", false, false),
            ("/api/silences", "/api/silences", true, false),
            ("/api/conversations", "/api/conversations?window=1h", true, false),
            // Grouped by bot, each scope's alert shows its marked bot: exactly the scopes the key may see.
            ("/api/reports/incidents", "/api/reports/incidents?window=30d&group_by=bot", true, false),
            ("/api/reports/efficiency", "/api/reports/efficiency?window=1h&group_by=bot", true, false),
            // The review's SLA targets show a global target as a tenant's default, as GET /api/sla does.
            ("/api/reports/review", "/api/reports/review?window=1h", true, true),
        };
        foreach (var route in lists)
        {
            foreach (var binding in Enum.GetValues<Binding>())
            {
                foreach (var requested in Scopes.All)
                {
                    var name = NameOf($"GET {route.Template}", Label(binding), TenantText(requested));
                    yield return new Case($"GET {route.Template}", Label(binding), TenantText(requested), async world =>
                    {
                        var own = Scopes.Of(binding);
                        var expected = own is null || requested is null || requested == own ? 200 : 403;
                        var url = route.Path + TenancyWorld.Query(requested, route.Path.Contains('?', StringComparison.Ordinal) ? '&' : '?');
                        var (status, body) = await SendAsync(world.Keys[binding], "GET", url, null);
                        AssertAnswer(expected, status, body, own, binding, route.GlobalDefaults);
                        if (status != 200 || !route.Marked) return;
                        // Exactly the scopes the key may see here, each of them present.
                        IEnumerable<string?> visible = own is null && requested is null ? Scopes.All : [requested ?? own];
                        foreach (var scope in Scopes.All)
                        {
                            Assert.True(visible.Contains(scope) == body.Contains(Scopes.Secret(scope), StringComparison.Ordinal),
                                $"{name}: {Scopes.Secret(scope)} should {(visible.Contains(scope) ? "" : "not ")}appear in {body}");
                        }
                    });
                }
            }
        }

        foreach (var binding in Enum.GetValues<Binding>())
        {
            foreach (var requested in Scopes.All)
            {
                yield return new Case("POST /api/keys", Label(binding), TenantText(requested), async world =>
                {
                    var own = Scopes.Of(binding);
                    var expected = own is null || requested is null || requested == own ? 201 : 403;
                    var (status, body) = await SendAsync(world.Keys[binding], "POST", "/api/keys",
                        JsonSerializer.Serialize(new { name = "matrix key", role = "admin", tenant_id = requested }));
                    AssertAnswer(expected, status, body, own, binding);
                    // A tenant's admin never mints an unbound key: no tenant_id means its own.
                    if (status == 201) Assert.Equal(requested ?? own, TenantOf(JsonDocument.Parse(body).RootElement));
                });
                // Every scope's tenant has a conversation of the same id: a bound key reads its own; an
                // unbound key names the tenant (without it the id is ambiguous: 409).
                yield return new Case("GET /api/conversations/{conversation_id}", Label(binding), TenantText(requested), async world =>
                {
                    var own = Scopes.Of(binding);
                    var expected = own is not null ? (requested is null || requested == own ? 200 : 403) : requested is null ? 409 : 200;
                    var (status, body) = await SendAsync(world.Keys[binding], "GET",
                        $"/api/conversations/{TenancyWorld.Conversation}" + TenancyWorld.Query(requested), null);
                    AssertAnswer(expected, status, body, own, binding);
                    if (status == 200) Assert.Contains(Scopes.Secret(requested ?? own), body, StringComparison.Ordinal);
                });
                yield return new Case("GET /api/metrics/prometheus", Label(binding), TenantText(requested), async world =>
                {
                    var own = Scopes.Of(binding);
                    var expected = own is null || requested is null || requested == own ? 200 : 403;
                    var (status, body) = await SendAsync(world.Keys[binding], "GET", "/api/metrics/prometheus" + TenancyWorld.Query(requested), null);
                    Assert.True(expected == status, $"expected {expected}, got {status}: {body}");
                    if (status >= 400)
                    {
                        Assert.Contains("\"type\":\"urn:vigil:problem:", body, StringComparison.Ordinal);
                        return;
                    }
                    // The text exposition: a scoped scrape carries no other tenant's series or secrets.
                    var scope = own ?? requested;
                    if (scope is null) return;
                    foreach (var other in Scopes.All.Where(t => t != scope))
                    {
                        Assert.DoesNotContain(Scopes.Secret(other), body, StringComparison.Ordinal);
                        if (other is not null) Assert.DoesNotContain($"tenant_id=\"{other}\"", body, StringComparison.Ordinal);
                    }
                });
                yield return new Case("POST /api/otlp/v1/traces", Label(binding), TenantText(requested), async world =>
                {
                    var own = Scopes.Of(binding);
                    var expected = own is null || requested is null || requested == own ? 200 : 403;
                    var (status, body) = await SendAsync(world.Keys[binding], "POST", "/api/otlp/v1/traces", OtlpChatSpan(requested));
                    Assert.True(expected == status, $"expected {expected}, got {status}: {body}");
                    if (status >= 400) Assert.Contains("\"type\":\"urn:vigil:problem:", body, StringComparison.Ordinal);
                });
                yield return new Case("POST /api/events", Label(binding), TenantText(requested), async world =>
                {
                    var own = Scopes.Of(binding);
                    var expected = own is null || requested is null || requested == own ? 200 : 403;
                    var (status, body) = await SendAsync(world.Keys[binding], "POST", "/api/events",
                        Events.One(Events.LlmCall(world.NextName("matrix-event-"), DateTimeOffset.UtcNow, tenant: requested)));
                    AssertAnswer(expected, status, body, own, binding);
                });
            }
            foreach (var requested in Scopes.All)
            {
                yield return new Case("POST /api/silences", Label(binding), TenantText(requested), async world =>
                {
                    var own = Scopes.Of(binding);
                    var expected = own is null || requested is null || requested == own ? 201 : 403;
                    var (status, body) = await SendAsync(world.Keys[binding], "POST", "/api/silences",
                        JsonSerializer.Serialize(TenancyWorld.SilenceBody(requested ?? own, requested)));
                    AssertAnswer(expected, status, body, own, binding);
                    // A tenant's key silences its own tenant only: no tenant_id means its own.
                    if (status == 201) Assert.Equal(requested ?? own, TenantOf(JsonDocument.Parse(body).RootElement));
                });
            }
            // Acknowledge links need no key: the token alone opens its one alert, whoever sends it.
            foreach (var scope in Scopes.All)
            {
                yield return new Case("GET /api/ack/{token}", Label(binding), Subject(scope, Addressing.Plain), async world =>
                {
                    var (alert, link) = await AlertWithLinkAsync(world, scope);
                    var (status, body) = await SendAsync(world.Keys[binding], "GET", link, null);
                    Assert.Equal(200, status);
                    foreach (var other in Scopes.All.Where(s => s != scope)) Assert.DoesNotContain(Scopes.Secret(other), body, StringComparison.Ordinal);
                    Assert.Contains(Scopes.Secret(scope), body, StringComparison.Ordinal);
                    Assert.Equal("firing|", await Alert.Fingerprint(world, scope, alert));
                    Assert.Equal(404, (await SendAsync(world.Keys[binding], "GET", link[..^4] + "AAAA", null)).Status);
                });
                yield return new Case("POST /api/ack/{token}", Label(binding), Subject(scope, Addressing.Plain), async world =>
                {
                    var (alert, link) = await AlertWithLinkAsync(world, scope);
                    Assert.Equal(404, (await SendAsync(world.Keys[binding], "POST", link[..^4] + "AAAA", null)).Status);
                    Assert.Equal("firing|", await Alert.Fingerprint(world, scope, alert));
                    var (status, _) = await SendAsync(world.Keys[binding], "POST", link, null);
                    Assert.Equal(200, status);
                    Assert.Equal("acknowledged|link", await Alert.Fingerprint(world, scope, alert));
                });
            }
            yield return new Case("GET /api/health", Label(binding), "no object", async world =>
                AssertAnswer(200, (await SendAsync(world.Keys[binding], "GET", "/api/health", null)).Status, "", null, Binding.Unbound));
            // The console's files are the same for every key (anonymous); its session names the key's own tenant only.
            yield return new Case("GET /api/console", Label(binding), "no object", async world =>
                AssertAnswer(200, (await SendAsync(world.Keys[binding], "GET", "/api/console", null)).Status, "", null, Binding.Unbound));
            yield return new Case("GET /api/console/{path}", Label(binding), "no object", async world =>
                AssertAnswer(200, (await SendAsync(world.Keys[binding], "GET", "/api/console/app.js", null)).Status, "", null, Binding.Unbound));
            yield return new Case("GET /api/console/session", Label(binding), "no object", async world =>
            {
                var (status, body) = await SendAsync(world.Keys[binding], "GET", "/api/console/session", null);
                AssertAnswer(200, status, body, Scopes.Of(binding), binding);
                Assert.Contains(Scopes.Of(binding) is { } tenant ? $"\"tenant_id\":\"{tenant}\"" : "\"tenant_id\":null", body, StringComparison.Ordinal);
            });
            yield return new Case("GET /api/health/detailed", Label(binding), "no object", async world =>
            {
                var (status, body) = await SendAsync(world.Keys[binding], "GET", "/api/health/detailed", null);
                AssertAnswer(200, status, body, Scopes.Of(binding), binding);
            });
            // Timer functions work on every tenant at once: an unbound admin's to start.
            yield return new Case("POST /admin/functions/{name}", Label(binding), "ComputeRollups", async world =>
            {
                var (status, body) = await SendAsync(world.Keys[binding], "POST", "/admin/functions/ComputeRollups", "{}");
                AssertAnswer(binding == Binding.Unbound ? 202 : 403, status, body, Scopes.Of(binding), binding);
            });
        }
    }

    private static async Task<(string Alert, string Path)> AlertWithLinkAsync(TenancyWorld world, string? scope)
    {
        var alert = await Alert.Create(world, scope);
        var link = await world.App.Services.GetRequiredService<AckLinks>().LinkAsync(Guid.Parse(alert), CancellationToken.None);
        return (alert, new Uri(link).AbsolutePath);
    }

    /// <summary>Every key binding with every object scope, in each addressing that names a tenant only for a tenant's object.</summary>
    private static IEnumerable<(Binding, string?, Addressing)> Combinations(Addressing[] addressings) =>
        from binding in Enum.GetValues<Binding>()
        from scope in Scopes.All
        from addressing in addressings
        where addressing == Addressing.Plain || scope is not null
        select (binding, scope, addressing);

    private static string Subject(string? scope, Addressing addressing) =>
        $"{(scope is null ? "global" : scope + "'s")} object" +
        (addressing switch { Addressing.Query => " by ?tenant_id", Addressing.Body => " by body tenant_id", _ => "" });

    private static string TenantText(string? requested) => requested is null ? "no tenant_id" : $"tenant_id={requested}";

    private static string Label(Binding binding) => binding switch
    {
        Binding.Acme => "acme",
        Binding.Globex => "globex",
        _ => "unbound",
    };

    /// <summary>
    /// The status, problem+json for a refusal, and for a bound key's success a body with no other
    /// scope's marker and no tenant_id but its own (or, where global defaults show, none).
    /// </summary>
    private static void AssertAnswer(int expected, int status, string body, string? own, Binding binding, bool globalDefaults = false)
    {
        Assert.True(expected == status, $"expected {expected}, got {status}: {body}");
        if (status >= 400)
        {
            Assert.Contains("\"type\":\"urn:vigil:problem:", body, StringComparison.Ordinal);
            return;
        }
        if (binding == Binding.Unbound || body.Length == 0) return;
        foreach (var other in Scopes.All.Where(s => s != own)) Assert.DoesNotContain(Scopes.Secret(other), body, StringComparison.Ordinal);
        foreach (var tenant in TenantIds(JsonDocument.Parse(body).RootElement))
        {
            Assert.True(tenant == own || (globalDefaults && tenant is null), $"a {own} key was shown tenant_id {tenant ?? "null"}: {body}");
        }
    }

    private static IEnumerable<string?> TenantIds(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in element.EnumerateObject())
            {
                if (p.Name == "tenant_id") yield return p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : null;
                foreach (var t in TenantIds(p.Value)) yield return t;
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var t in TenantIds(item)) yield return t;
            }
        }
    }

    private static string? TenantOf(JsonElement element) =>
        element.GetProperty("tenant_id").ValueKind == JsonValueKind.String ? element.GetProperty("tenant_id").GetString() : null;

    private static string RunsOf(JsonElement runs) =>
        string.Join(';', runs.GetProperty("runs").EnumerateArray().Select(r => $"{r.GetProperty("run_id")}:{r.GetProperty("status")}:{r.GetProperty("reported_cost_usd")}:{r.GetProperty("progress")}"));

    /// <summary>One GenAI chat span in OTLP's JSON encoding, naming its tenant as a resource attribute.</summary>
    private static string OtlpChatSpan(string? tenant)
    {
        var resource = new List<object> { new { key = "service.name", value = new { stringValue = "matrix_bot" } } };
        if (tenant is not null) resource.Add(new { key = "vigil.tenant_id", value = new { stringValue = tenant } });
        var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        var span = new
        {
            traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            spanId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]),
            name = "chat gpt-4o",
            kind = 3,
            startTimeUnixNano = (end - 400_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            endTimeUnixNano = end.ToString(System.Globalization.CultureInfo.InvariantCulture),
            attributes = new object[]
            {
                new { key = "gen_ai.operation.name", value = new { stringValue = "chat" } },
                new { key = "gen_ai.request.model", value = new { stringValue = "gpt-4o" } },
            },
        };
        return JsonSerializer.Serialize(new { resourceSpans = new[] { new { resource = new { attributes = resource }, scopeSpans = new[] { new { spans = new[] { span } } } } } });
    }

    private static async Task<(int Status, string Body)> SendAsync(HttpClient client, string method, string url, string? json)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (json is not null) request.Content = VigilApp.Json(json);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> TextAsync(HttpClient client, string url) => (await JsonAsync(client, url)).GetRawText();

    private static Task<JsonElement> JsonAsync(HttpClient client, string url) => Traffic.GetJsonAsync(client, url);
}
