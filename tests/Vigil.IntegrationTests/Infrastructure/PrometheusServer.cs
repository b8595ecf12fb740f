using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's real Prometheus (the <c>prometheus</c> package; ./test installs it when missing) on
/// loopback, scraping one target every second with a bearer token, its data in a temp directory
/// removed on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    public const string Promtool = "/usr/bin/promtool";

    private readonly Process _process;
    private readonly string _directory;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, string directory, string url)
    {
        _process = process;
        _directory = directory;
        Url = url;
        _http = new HttpClient { BaseAddress = new Uri(url) };
    }

    public string Url { get; }

    public static void RequireInstalled(string tool)
    {
        if (!File.Exists(tool))
        {
            throw new InvalidOperationException(
                $"{tool} is missing. Install Debian's Prometheus ('apt-get install -y prometheus', as ./test does when run as root) and run again.");
        }
    }

    public static async Task<PrometheusServer> StartAsync(string target, string metricsPath, string bearer)
    {
        RequireInstalled(Binary);
        var directory = Path.Combine(Path.GetTempPath(), "vigil-prom-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: vigil
                metrics_path: {metricsPath}
                authorization:
                  credentials: {bearer}
                static_configs:
                  - targets: ['{target}']
            """);
        var url = $"http://127.0.0.1:{RecordingServer.FreePort()}";
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}",
            $"--web.listen-address={new Uri(url).Authority}" })
        {
            start.ArgumentList.Add(a);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, url);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"prometheus exited with {process.ExitCode} at start-up.");
            try
            {
                if ((await server._http.GetAsync("/-/ready")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException("prometheus was not ready within 30 s.");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>An instant query; waits until it returns at least one series (a scrape may not have happened yet).</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string promql, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var body = await _http.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(promql));
            var result = body.GetProperty("data").GetProperty("result");
            if (result.GetArrayLength() > 0 || DateTime.UtcNow > deadline)
            {
                return [.. result.EnumerateArray().Select(r => (
                    (IReadOnlyDictionary<string, string>)r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                    double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
            }
            await Task.Delay(250);
        }
    }

    /// <summary>Runs promtool check metrics on an exposition; its exit code and what it said.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        RequireInstalled(Promtool);
        var start = new ProcessStartInfo(Promtool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("check");
        start.ArgumentList.Add("metrics");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
    }
}
