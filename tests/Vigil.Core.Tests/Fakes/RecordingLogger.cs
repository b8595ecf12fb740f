using Microsoft.Extensions.Logging;

namespace Vigil.Core.Tests.Fakes;

/// <summary>Keeps every log entry (level, event id, formatted message), for tests of what an operator reads in the logs.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public List<(LogLevel Level, int EventId, string Message)> Entries { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Entries) Entries.Add((logLevel, eventId.Id, formatter(state, exception)));
    }

    public string Single(int eventId) => Assert.Single(Entries, e => e.EventId == eventId).Message;
}
