using System.CommandLine;
using Microsoft.Extensions.Options;
using Serilog;
using SentimentWatch.Crawling.Cli;
using SentimentWatch.Alerting;
using SentimentWatch.Hosting;
using SentimentWatch.Indexing.Cli;

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

        foreach (var command in CapabilityCommands(BuildHost))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Builds (does not start) the fully wired host, for verbs that need its services.</summary>
    public static IHost BuildHost(string[] args) => AppHost.Build(AppHost.CreateBuilder(args));

    private static IEnumerable<Command> CapabilityCommands(Func<string[], IHost> buildHost) =>
        [.. IndexingCommands.Commands(buildHost), .. CrawlingCommands.Commands(buildHost), .. AlertingCommands.Commands(buildHost)];

    private static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        try
        {
            var app = BuildHost(args);
            await app.RunAsync(cancellationToken);
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            // A wrong setting is the operator's to fix: say which, without a stack trace.
            Log.Fatal("Invalid configuration, not starting:{NewLine}{Failures}", Environment.NewLine, string.Join(Environment.NewLine, ex.Failures.Select(f => "  - " + f)));
            return 2;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.Fatal(ex, "SentimentWatch stopped unexpectedly");
            return 1;
        }
    }
}
