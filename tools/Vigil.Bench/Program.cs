using System.Globalization;
using Vigil.Bench;

// ./bench <command> [options]; the script starts a private PostgreSQL and passes its connection string.
var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Postgres")
    ?? throw new InvalidOperationException("Set ConnectionStrings__Postgres (./bench does this for you).");
var command = args.Length > 0 ? args[0] : "help";
int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

return command switch
{
    "alerts" => await AlertsBenchmark.RunAsync(connectionString, Option("rules", 1000), Option("repeats", 9)),
    "percentiles" => await PercentileBenchmark.RunAsync(connectionString, Option("events", 10_000_000), Option("repeats", 15)),
    "timeseries" => await TimeSeriesBenchmark.RunAsync(connectionString, Option("events", 1_000_000), Option("repeats", 11)),
    "otlp" => await OtlpBenchmark.RunAsync(connectionString, Option("events", 200_000), Option("batch", 500), Option("clients", 4), Option("rounds", 3)),
    "ingest" => await IngestBenchmark.RunAsync(connectionString, Option("events", 400_000), Option("naive-events", 20_000), Option("batch", 500), Option("clients", 4), Option("rounds", 3)),
    "conversations" => await ConversationsBenchmark.RunAsync(Option("conversations", 100_000), Option("rounds", 3)),
    "review" => await ReviewBenchmark.RunAsync(connectionString, Option("events", 10_000_000), Option("repeats", 11)),
    _ => Usage(),
};

static int Usage()
{
    Console.WriteLine("""
        usage: ./bench ingest [--events 400000] [--naive-events 20000] [--batch 500] [--clients 4] [--rounds 3]
               ./bench percentiles [--events 10000000] [--repeats 15]
               ./bench alerts [--rules 1000] [--repeats 9]
               ./bench timeseries [--events 1000000] [--repeats 11]
               ./bench otlp [--events 200000] [--batch 500] [--clients 4] [--rounds 3]
               ./bench conversations [--conversations 100000] [--rounds 3]
               ./bench review [--events 10000000] [--repeats 11]
        """);
    return 2;
}
