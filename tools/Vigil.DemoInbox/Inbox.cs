using System.Globalization;

namespace Vigil.DemoInbox;

/// <summary>
/// The last notifications every receiver accepted, newest last, and one readable line per
/// notification on the terminal: that line is what a newcomer watching <c>./run --demo</c> reads.
/// </summary>
internal sealed class Inbox(int capacity, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Queue<Notification> _recent = new();
    private readonly Dictionary<string, KnownAlert> _alerts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, int> _byLevel = [];
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
    private long _total;

    public long Total { get { lock (_gate) return _total; } }

    public IReadOnlyList<Notification> Recent()
    {
        lock (_gate) return [.. _recent];
    }

    public IReadOnlyDictionary<int, int> CountByLevel()
    {
        lock (_gate) return new Dictionary<int, int>(_byLevel);
    }

    /// <summary>
    /// Records a notification. Acknowledge and resolve calls of PagerDuty and Opsgenie name only the
    /// alert id, so rule, group and severity are filled in from the trigger that came before.
    /// </summary>
    public Notification Add(string channel, AlertReading reading, string summary, string? note, string payload)
    {
        lock (_gate)
        {
            var known = reading.AlertId is { } id ? _alerts.GetValueOrDefault(id) : null;
            var n = new Notification(time.GetUtcNow(), channel, reading.Kind, reading.Level,
                reading.Severity ?? known?.Severity, reading.Rule ?? known?.Rule, reading.Group ?? known?.Group,
                reading.AlertId, summary, note, payload.Length <= 16_384 ? payload : payload[..16_384] + "...");
            if (n.AlertId is { } alertId && n.Kind == "trigger") _alerts[alertId] = new KnownAlert(n.Rule, n.Group, n.Severity, n.Level);
            _recent.Enqueue(n);
            while (_recent.Count > capacity) _recent.Dequeue();
            _total++;
            if (n.Kind == "trigger" && n.Level is { } level) _byLevel[level] = _byLevel.GetValueOrDefault(level) + 1;
            Console.WriteLine(Line(n));
            return n;
        }
    }

    private string Line(Notification n)
    {
        var what = n.Kind switch
        {
            "trigger" => n.Level is { } level ? $"LEVEL {level}" : "NOTIFY",
            "acknowledge" => "ACKED",
            "resolve" => "RESOLVED",
            "budget" => "BUDGET",
            _ => "??",
        };
        var colour = n.Kind switch
        {
            "trigger" => n.Level switch { 1 => "33", 2 => "35", 3 => "31;1", _ => "36" },
            "resolve" => "32",
            "budget" => "36",
            _ => "37",
        };
        var head = $"{what,-8}";
        if (_colour) head = $"\u001b[{colour}m{head}\u001b[0m";
        var subject = n.Rule is null ? n.Summary : $"{n.Severity ?? "?"} {n.Rule} ({n.Group})";
        var line = $"[inbox] {n.ReceivedAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {head} {n.Channel,-9} {subject}";
        if (n.Rule is not null && n.Kind == "trigger" && AlertWords.Condition(n.Summary) is { } condition) line += $": {condition}";
        return n.Note is null ? line : $"{line} [{n.Note}]";
    }
}
