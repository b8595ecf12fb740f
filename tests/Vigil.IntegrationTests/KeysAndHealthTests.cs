using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using static Vigil.IntegrationTests.IngestionTests;

namespace Vigil.IntegrationTests;

public class KeysApiTests
{
    [Fact]
    public async Task An_admin_creates_a_key_that_is_shown_once_stored_hashed_and_revocable()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var created = await admin.PostAsync("/api/keys", VigilApp.Json("""{"name":"dashboards","role":"read","tenant_id":"acme"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetString()!;
        var plain = body.GetProperty("key").GetString()!;
        Assert.Equal("read", body.GetProperty("role").GetString());
        Assert.Equal("acme", body.GetProperty("tenant_id").GetString());

        Assert.Equal(0L, await app.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE key_hash::text LIKE '%' || $1 || '%' OR name = $1", plain));

        var list = await (await admin.GetAsync("/api/keys")).Content.ReadFromJsonAsync<JsonElement>();
        var listed = list.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("id").GetString() == id);
        Assert.False(listed.TryGetProperty("key", out _));
        Assert.False(listed.TryGetProperty("key_hash", out _));

        using var reader = app.Client(plain);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/health/detailed")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/keys/{id}")).StatusCode);
        await AssertProblem(await reader.GetAsync("/api/health/detailed"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertProblem(await admin.DeleteAsync("/api/keys/nosuchkey"), HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Key_requests_are_validated_field_by_field()
    {
        await using var app = await VigilApp.StartAsync();
        using var admin = app.AdminClient();
        var body = await AssertProblem(await admin.PostAsync("/api/keys", VigilApp.Json("""{"role":"superuser","colour":"red"}""")), HttpStatusCode.BadRequest, "validation");
        var errors = body.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.Contains("role must be one of ingest, read, operator, admin", errors.GetProperty("role")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("colour", out _));
        await AssertProblem(await admin.PostAsync("/api/keys", VigilApp.Json("[1]")), HttpStatusCode.BadRequest, "invalid-body");
        await AssertProblem(await admin.PostAsync("/api/keys", VigilApp.Json("{")), HttpStatusCode.BadRequest, "invalid-json");
    }

    [Fact]
    public async Task Only_admins_manage_keys_and_the_seeded_admin_key_is_rotated_by_its_setting()
    {
        await using var app = await VigilApp.StartAsync();
        using var operatorClient = app.Client(await app.CreateKeyAsync("operator"));
        await AssertProblem(await operatorClient.PostAsync("/api/keys", VigilApp.Json("""{"name":"x","role":"admin"}""")), HttpStatusCode.Forbidden, "forbidden");
        await AssertProblem(await operatorClient.GetAsync("/api/keys"), HttpStatusCode.Forbidden, "forbidden");
        using var admin = app.AdminClient();
        await AssertProblem(await admin.DeleteAsync("/api/keys/bootstrap-admin"), HttpStatusCode.Conflict, "conflict");
    }

    [Fact]
    public async Task A_short_admin_key_setting_stops_start_up_with_a_clear_message()
    {
        var (exitCode, output) = await LocalHostProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = "short",
        }, TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("VIGIL_ADMIN_KEY must be at least 16 characters", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_admin_key_setting_means_no_admin_key_rather_than_a_failed_start()
    {
        await using var app = await VigilApp.StartAsync(adminKey: "");
        using var client = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health")).StatusCode);
        Assert.Equal(0, await app.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE role = 'admin'"));
    }
}

public class HealthApiTests
{
    [Fact]
    public async Task Health_is_anonymous_and_reports_status_version_and_time()
    {
        await using var app = await VigilApp.StartAsync();
        using var client = app.Client();
        var response = await client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Matches(@"^\d+\.\d+\.\d+", body.GetProperty("version").GetString());
        Assert.EndsWith("Z", body.GetProperty("timestamp").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Detailed_health_needs_a_read_key_and_shows_the_database_round_trip_and_schema_version()
    {
        await using var app = await VigilApp.StartAsync();
        using (var anonymous = app.Client())
        {
            await AssertProblem(await anonymous.GetAsync("/api/health/detailed"), HttpStatusCode.Unauthorized, "unauthorized");
        }
        using var ingest = app.Client(await app.CreateKeyAsync("ingest"));
        await AssertProblem(await ingest.GetAsync("/api/health/detailed"), HttpStatusCode.Forbidden, "forbidden");

        using var reader = app.Client(await app.CreateKeyAsync("read"));
        var body = await (await reader.GetAsync("/api/health/detailed")).Content.ReadFromJsonAsync<JsonElement>();
        var database = body.GetProperty("services").GetProperty("database");
        Assert.Equal("healthy", database.GetProperty("status").GetString());
        Assert.True(database.GetProperty("latency_ms").GetDouble() >= 0);
        var schemaVersion = database.GetProperty("schema_version").GetInt32();
        Assert.Equal(await app.ScalarAsync<int>("SELECT max(version) FROM schema_version"), schemaVersion);
        Assert.Equal(schemaVersion, database.GetProperty("expected_schema_version").GetInt32());

        // No channel is configured here: each says it is off, and why, without making Vigil unhealthy.
        var slack = body.GetProperty("services").GetProperty("channel_slack");
        Assert.Equal("off", slack.GetProperty("status").GetString());
        Assert.Contains("WebhookUrl", slack.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("off", body.GetProperty("services").GetProperty("channel_pagerduty").GetProperty("status").GetString());
        Assert.Equal("healthy", body.GetProperty("status").GetString());
    }
}
