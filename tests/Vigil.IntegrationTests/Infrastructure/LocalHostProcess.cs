using System.Collections.Concurrent;
using System.Diagnostics;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>
/// The local host as a real process (its build output sits beside the tests). Start-up failures
/// are tested this way: WebApplicationFactory sometimes reports a disposed service provider in
/// place of the exception that stopped the host.
/// </summary>
public static class LocalHostProcess
{
    /// <summary>A running local host; <see cref="Kill"/> stops it like a crash (no graceful shutdown).</summary>
    public sealed class Running(Process process, string url, ConcurrentQueue<string> output) : IAsyncDisposable
    {
        public string Url => url;

        /// <summary>What the host has written to stdout and stderr so far, line by line.</summary>
        public IReadOnlyCollection<string> Output => output;

        public void Kill()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public ValueTask DisposeAsync()
        {
            Kill();
            process.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>Starts the local host on a free port with these settings (":" may be used as in configuration keys).</summary>
    public static async Task<Running> StartAsync(IDictionary<string, string?> settings)
    {
        var url = $"http://127.0.0.1:{RecordingServer.FreePort()}";
        var start = LocalHost(url);
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (k, v) in settings) start.Environment[k.Replace(":", "__", StringComparison.Ordinal)] = v;
        var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The local host exited with {process.ExitCode} during start-up.");
            try
            {
                if ((await http.GetAsync(url + "/api/health")).IsSuccessStatusCode) return new Running(process, url, output);
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The local host did not become healthy within 60 s.");
    }

    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = LocalHost("http://127.0.0.1:0");
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The local host was still running after {timeout}; it should have refused to start.");
        }
        return (process.ExitCode, await output + await error);
    }

    /// <summary>The built local host listening on <paramref name="url"/>, timers off, output captured.</summary>
    private static ProcessStartInfo LocalHost(string url)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vigil.LocalHost.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["Vigil__LocalHost__TimersEnabled"] = "false";
        return start;
    }
}
