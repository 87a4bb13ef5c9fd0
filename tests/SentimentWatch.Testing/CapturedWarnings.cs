using Microsoft.Extensions.Logging;

namespace SentimentWatch.Testing;

/// <summary>
/// A logger provider that keeps the formatted warning (and worse) lines of the categories it is given, or of every category:
/// for tests of what an operator reads in the log (one line a minute, not one per case or notice).
/// </summary>
public sealed class CapturedWarnings(params string[] categories) : ILoggerProvider, ILogger
{
    private readonly List<string> _lines = [];

    /// <summary>The lines so far, oldest first.</summary>
    public List<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) =>
        categories.Length == 0 || categories.Contains(categoryName, StringComparer.Ordinal) ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            lock (_lines)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }

    public void Dispose()
    {
    }
}
