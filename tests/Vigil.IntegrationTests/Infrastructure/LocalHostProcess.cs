using System.Diagnostics;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>
/// The local host as a real process (its build output sits beside the tests). Start-up failures
/// are tested this way: WebApplicationFactory sometimes reports a disposed service provider in
/// place of the exception that stopped the host.
/// </summary>
public static class LocalHostProcess
{
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(IDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Vigil.LocalHost.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["Vigil__LocalHost__TimersEnabled"] = "false";
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
}
