using System.Text;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>
/// Requests broken at the HTTP level, sent over a raw socket to the local host as a real process
/// (Kestrel, not the test server): each is answered in the contract's shape, as a client error,
/// without a stack trace in the log and without naming the server.
/// </summary>
public sealed class ProtocolErrorTests(ProtocolErrorTests.Host fixture) : IClassFixture<ProtocolErrorTests.Host>
{
    private readonly string _adminKey = fixture.AdminKey;
    private readonly LocalHostProcess.Running _host = fixture.Running;

    /// <summary>One local host process for the class: start-up is the slow part.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public string AdminKey { get; } = "admin-" + Guid.NewGuid().ToString("N");

        public LocalHostProcess.Running Running { get; private set; } = null!;

        public async Task InitializeAsync() => Running = await LocalHostProcess.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = TestPostgres.NewSchema(out _),
            ["VIGIL_ADMIN_KEY"] = AdminKey,
        });

        public async Task DisposeAsync() => await Running.DisposeAsync();
    }

    private string Post(string path, string extraHeaders) =>
        $"POST {path} HTTP/1.1\r\nHost: {{host}}\r\nAuthorization: Bearer {_adminKey}\r\nContent-Type: application/json\r\n{extraHeaders}";

    [Fact]
    public async Task A_content_length_longer_than_the_body_answers_408_problem_once_the_body_stops_coming()
    {
        var response = await RawHttp.SendAsync(_host.Url, Post("/api/events", "Content-Length: 100"), [RawHttp.Now("""{"event_id":""")], timeout: TimeSpan.FromSeconds(40));
        AssertProblem(response, 408);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task A_body_cut_short_by_the_client_closing_is_logged_without_an_error_or_a_stack_trace()
    {
        // With its side closed the client cannot be answered (Kestrel closes the connection); the
        // handler's refusal must still be a client error in the log, not an error per request.
        try
        {
            var response = await RawHttp.SendAsync(_host.Url, Post("/api/events", "Content-Length: 100"), [RawHttp.Now("""{"event_id":""")], closeAfterBody: true);
            AssertProblem(response, 400);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            // Closed (or reset) without an answer.
        }
        await Task.Delay(500);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task A_bad_chunk_size_answers_400_problem_not_500()
    {
        var response = await RawHttp.SendAsync(_host.Url, Post("/api/events", "Transfer-Encoding: chunked"), [RawHttp.Now("zz\r\n{}\r\n0\r\n\r\n")]);
        AssertProblem(response, 400);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task A_body_trickling_in_below_the_minimum_rate_answers_408_problem_and_logs_no_stack_trace()
    {
        // Kestrel's minimum is 240 bytes/s after a 5 s grace period; one byte a second is far below.
        var trickle = Enumerable.Range(0, 15).Select(_ => (TimeSpan.FromSeconds(1), "["u8.ToArray()));
        var response = await RawHttp.SendAsync(_host.Url, Post("/api/events", "Content-Length: 1000"), trickle, timeout: TimeSpan.FromSeconds(40));
        AssertProblem(response, 408);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_answer_404_and_405_problems()
    {
        var missing = await RawHttp.SendAsync(_host.Url, "GET /api/nothing-here HTTP/1.1\r\nHost: {host}\r\nConnection: close");
        AssertProblem(missing, 404);
        var wrongMethod = await RawHttp.SendAsync(_host.Url, "PATCH /api/events HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close");
        AssertProblem(wrongMethod, 405);
    }

    [Fact]
    public async Task A_target_or_headers_over_the_limits_answer_414_and_431_problems()
    {
        var longTarget = await RawHttp.SendAsync(_host.Url, $"GET /api/health?{new string('a', 10_000)}=1 HTTP/1.1\r\nHost: {{host}}\r\nConnection: close");
        AssertProblem(longTarget, 414);
        var bigHeaders = await RawHttp.SendAsync(_host.Url, $"GET /api/health HTTP/1.1\r\nHost: {{host}}\r\nX-Big: {new string('b', 40_000)}\r\nConnection: close");
        AssertProblem(bigHeaders, 431);
    }

    [Fact]
    public async Task Head_on_health_answers_200_with_headers_and_no_body()
    {
        var response = await RawHttp.SendAsync(_host.Url, "HEAD /api/health HTTP/1.1\r\nHost: {host}\r\nConnection: close");
        Assert.Equal(200, response.Status);
        Assert.Equal("", response.Body);
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Null(response.Header("Server"));
    }

    [Fact]
    public async Task A_control_character_in_a_route_value_answers_400_not_500()
    {
        var response = await RawHttp.SendAsync(_host.Url, $"GET /api/alert-rules/a%00b HTTP/1.1\r\nHost: {{host}}\r\nAuthorization: Bearer {_adminKey}\r\nConnection: close");
        Assert.InRange(response.Status, 400, 404);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Key_creation_is_never_cached_and_no_response_names_the_server()
    {
        var body = """{"name":"ci","role":"read"}""";
        var response = await RawHttp.SendAsync(_host.Url, Post("/api/keys", $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close"), [RawHttp.Now(body)]);
        Assert.Equal(201, response.Status);
        Assert.Equal("no-store", response.Header("Cache-Control"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Null(response.Header("Server"));
    }

    private static void AssertProblem(RawResponse response, int status)
    {
        Assert.Equal(status, response.Status);
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Null(response.Header("Server"));
        var problem = response.Json();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("urn:vigil:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", response.Body, StringComparison.Ordinal);
    }

    /// <summary>The host logs at Warning and above here: a client's broken request must not be an error with a stack trace.</summary>
    private void AssertNoErrorLogged()
    {
        var output = string.Join('\n', _host.Output);
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
