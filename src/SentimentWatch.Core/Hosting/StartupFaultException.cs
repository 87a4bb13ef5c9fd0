namespace SentimentWatch.Core.Hosting;

/// <summary>
/// The service cannot start for a reason its operator can fix: a setting, its value, what is wrong
/// and what to do. Any capability throws it from its start-up; the command line prints the one
/// line (no stack trace) and exits with code 2, as it does for invalid configuration.
/// </summary>
public sealed class StartupFaultException(string setting, string? value, string problem, string remedy, Exception? innerException = null)
    : Exception($"{setting} '{value}' {problem}; {remedy}", innerException)
{
    /// <summary>The configuration key to change, e.g. <c>Storage:DataDirectory</c>.</summary>
    public string Setting { get; } = setting;

    public string? Value { get; } = value;
}
