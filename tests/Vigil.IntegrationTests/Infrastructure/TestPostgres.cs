using System.Diagnostics;
using Npgsql;

namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>
/// The real PostgreSQL the integration tests use: the one <c>./test</c> started
/// (<c>VIGIL_TEST_POSTGRES</c>), or else a throwaway cluster started here and stopped at exit.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<string> Shared = new(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConnectionString => Shared.Value;

    /// <summary>A connection string whose search path is a new, empty schema of its own.</summary>
    public static string NewSchema(out string schema, string? baseConnectionString = null)
    {
        schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        var builder = new NpgsqlConnectionStringBuilder(baseConnectionString ?? ConnectionString) { SearchPath = schema };
        return builder.ConnectionString;
    }

    private static string StartShared()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return fromEnvironment;
        var cluster = PrivateCluster.Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster.ConnectionString;
    }
}

/// <summary>A PostgreSQL cluster of a test's own, which the test may stop and start (outage tests).</summary>
public sealed class PrivateCluster : IDisposable
{
    private PrivateCluster(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public string Directory { get; }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public static PrivateCluster Start()
    {
        var port = int.Parse(Script("free-port").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var directory = Path.Combine(Path.GetTempPath(), "vigil-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var cluster = new PrivateCluster(directory, port);
        cluster.StartServer();
        return cluster;
    }

    public void StartServer() => Script("start", Directory, Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--fast");

    public void StopServer() => Script("stop", Directory);

    public void Dispose()
    {
        StopServer();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp directory left behind is harmless.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Script(params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(RepositoryRoot(), "scripts", "postgres.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"scripts/postgres.sh {string.Join(' ', args)} failed: {error}");
        return output;
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Serverless.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Serverless.sln not found above the test binaries.");
    }
}
