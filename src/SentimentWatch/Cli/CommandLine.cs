using System.CommandLine;
using Microsoft.Extensions.Options;
using Serilog;
using SentimentWatch.Alerting;
using SentimentWatch.Cases.Cli;
using SentimentWatch.Crawling.Cli;
using SentimentWatch.Hosting;
using SentimentWatch.Indexing.Cli;
using SentimentWatch.Scoring.Cli;

namespace SentimentWatch.Cli;

/// <summary>
/// The command line: <c>run</c> (the default) starts the service; capabilities add their
/// verbs. Tokens a verb does not know (e.g. <c>--Storage:DataDirectory=/srv/sw</c>) are
/// passed on as configuration.
/// </summary>
public static class CommandLine
{
    public static RootCommand Create()
    {
        var run = new Command("run", "Run the service: pipeline, schedules and the HTTP API (default).")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        run.SetAction((result, cancellationToken) => RunAsync(result.UnmatchedTokens.ToArray(), cancellationToken));

        var root = new RootCommand("SentimentWatch: public-opinion monitoring and early warning.")
        {
            run,
        };
        root.TreatUnmatchedTokensAsErrors = false;
        root.SetAction((result, cancellationToken) => RunAsync(result.UnmatchedTokens.ToArray(), cancellationToken));

        foreach (var command in MergeBenchmarks(CapabilityCommands(BuildHost)))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Builds (does not start) the fully wired host, for verbs that need its services.</summary>
    public static IHost BuildHost(string[] args) => AppHost.Build(AppHost.CreateBuilder(args, isService: false));

    private static IEnumerable<(string Capability, Command Command)> CapabilityCommands(Func<string[], IHost> buildHost) =>
    [
        .. ScoringCommands.Commands(buildHost).Select(c => ("scoring", c)),
        .. IndexingCommands.Commands(buildHost).Select(c => ("index", c)),
        .. CrawlingCommands.Commands(buildHost).Select(c => ("crawling", c)),
        .. AlertingCommands.Commands(buildHost).Select(c => ("alerting", c)),
        .. CasesCommands.Commands(buildHost).Select(c => ("cases", c)),
        ("pipeline", PipelineBenchmark.Command()),
        ("redaction", RedactionBenchmark.Command()),
        ("ledger", LedgerBenchmark.Command()),
        ("delivery", DeliveryBenchmark.Command()),
        .. SentimentWatch.Web.Cli.ConsoleCommands.Commands(buildHost).Select(c => ("console", c)),
    ];

    /// <summary>
    /// Each capability measures itself with a <c>bench</c> verb; on the command line they become
    /// <c>bench scoring</c>, <c>bench index</c>, … under one <c>bench</c>.
    /// </summary>
    private static IEnumerable<Command> MergeBenchmarks(IEnumerable<(string Capability, Command Command)> commands)
    {
        var bench = new Command("bench", "Measure speed and size: one sub-verb per capability (bench scoring, bench index, ...).");
        foreach (var (capability, command) in commands)
        {
            if (command.Name != "bench")
            {
                yield return command;
                continue;
            }

            var sub = new Command(capability, command.Description) { Action = command.Action, TreatUnmatchedTokensAsErrors = command.TreatUnmatchedTokensAsErrors };
            foreach (var option in command.Options)
            {
                sub.Options.Add(option);
            }

            foreach (var argument in command.Arguments)
            {
                sub.Arguments.Add(argument);
            }

            bench.Subcommands.Add(sub);
        }

        if (bench.Subcommands.Count > 0)
        {
            yield return bench;
        }
    }

    private static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var app = AppHost.Build(AppHost.CreateBuilder(args, isService: true));
        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>
    /// How any verb's failure ends the process: a fault the operator can fix (a setting, a port in
    /// use, an unreachable index) is one line naming the setting, its value and what to do, with
    /// exit code 2 (decision 083); anything else is a crash with its stack trace and exit code 1.
    /// </summary>
    public static int Report(Exception exception)
    {
        switch (StartupFaults.Describe(exception))
        {
            case [var only]:
                Log.Fatal("Not starting: {Fault}", only);
                return 2;
            case { Count: > 1 } faults:
                Log.Fatal("Not starting, {Count} problems:{NewLine}{Faults}", faults.Count, Environment.NewLine, string.Join(Environment.NewLine, faults.Select(f => "  - " + f)));
                return 2;
            default:
                Log.Fatal(exception, "SentimentWatch stopped unexpectedly");
                return 1;
        }
    }
}
