using Microsoft.Extensions.Logging;

namespace SentimentWatch.Cases.Tests.Support;

/// <summary>The SQL text of every command EF Core runs, from its command log: for tests that read SQLite's query plans.</summary>
internal sealed class CapturedCommands : ILoggerProvider, ILogger
{
    private readonly List<string> _texts = [];

    public List<string> Texts
    {
        get
        {
            lock (_texts)
            {
                return [.. _texts];
            }
        }
    }

    public void Clear()
    {
        lock (_texts)
        {
            _texts.Clear();
        }
    }

    public ILogger CreateLogger(string categoryName) => categoryName == "Microsoft.EntityFrameworkCore.Database.Command" ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values && values.FirstOrDefault(v => v.Key == "commandText").Value is string text)
        {
            lock (_texts)
            {
                _texts.Add(text);
            }
        }
    }

    public void Dispose()
    {
    }
}
