using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Hosting;

namespace SentimentWatch.Hosting;

/// <summary>
/// Recognises the start-up failures an operator can fix and says each in one line: the setting,
/// its value, what is wrong and what to do (decision 083). Anything not recognised is a crash.
/// </summary>
public static partial class StartupFaults
{
    /// <summary>The fault lines for <paramref name="exception"/>; empty when it is not an operator fault.</summary>
    public static IReadOnlyList<string> Describe(Exception exception)
    {
        switch (exception)
        {
            case OptionsValidationException invalid:
                return [.. invalid.Failures];
            case StartupFaultException fault:
                return [fault.Message];
            case Scoring.Models.ModelFileException model:
                // A model file that is missing, corrupt or lacks what the configuration asks of it (a source genre): its message
                // names the setting and the remedy.
                return [model.Message];
            case AggregateException aggregate:
                var all = aggregate.Flatten().InnerExceptions.Select(Describe).ToList();
                return all.All(lines => lines.Count > 0) ? [.. all.SelectMany(lines => lines)] : [];
        }

        if (BindFailure().Match(exception.Message) is { Success: true } bind)
        {
            var address = bind.Groups["address"].Value;
            var cause = Causes(exception).ToList();
            if (cause.OfType<AddressInUseException>().Any() || cause.OfType<SocketException>().Any(s => s.SocketErrorCode == SocketError.AddressAlreadyInUse))
            {
                return [$"Urls '{address}' cannot be listened on: the port is already in use by another program (another SentimentWatch?); stop that program, or choose a free port, e.g. --Urls=http://127.0.0.1:5081"];
            }

            if (cause.OfType<SocketException>().Any(s => s.SocketErrorCode is SocketError.AccessDenied or SocketError.AddressNotAvailable))
            {
                return [$"Urls '{address}' cannot be listened on ({cause.OfType<SocketException>().First().Message}): ports below 1024 need privileges and the address must belong to this machine; choose e.g. --Urls=http://127.0.0.1:5080"];
            }

            return [$"Urls '{address}' cannot be listened on ({Innermost(exception).Message}); choose another address or port, e.g. --Urls=http://127.0.0.1:5080"];
        }

        // A fault thrown where the DI container or a hosted service wraps it.
        return exception.InnerException is { } inner ? Describe(inner) : [];
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static Exception Innermost(Exception exception) => Causes(exception).Last();

    [GeneratedRegex(@"^Failed to bind to address (?<address>\S+?):? ")]
    private static partial Regex BindFailure();
}
