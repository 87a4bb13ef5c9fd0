using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SentimentWatch.Alerting;

/// <summary>CLI verbs of the alerting capability.</summary>
public static class AlertingCommands
{
    public static IEnumerable<Command> Commands(Func<string[], IHost> buildHost)
    {
        var watch = new Option<string>("--watch") { Required = true, Description = "Watch id to replay the rules of" };
        var from = new Option<DateTimeOffset>("--from") { Required = true, Description = "Start of the replay (ISO 8601)" };
        var to = new Option<DateTimeOffset>("--to") { Required = true, Description = "End of the replay (ISO 8601)" };
        var step = new Option<TimeSpan>("--step") { Description = "Evaluation step (default 00:01:00, like a live tick)", DefaultValueFactory = _ => TimeSpan.FromMinutes(1) };
        var backtest = new Command("backtest", "Replay the alert rules over indexed history and print when each would have fired")
        {
            watch, from, to, step,
        };
        backtest.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var stepValue = result.GetValue(step);
            var fromValue = result.GetValue(from);
            var toValue = result.GetValue(to);
            if (toValue <= fromValue || stepValue <= TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync("--to must be after --from and --step must be positive");
                return 2;
            }

            using var host = buildHost(result.UnmatchedTokens.ToArray());
            var replay = host.Services.GetRequiredService<AlertBacktest>();
            try
            {
                var events = await replay.RunAsync(result.GetValue(watch)!, fromValue, toValue, stepValue, cancellationToken);
                await WriteAsync(Console.Out, events);
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 1;
            }
        });
        return [backtest];
    }

    public static async Task WriteAsync(TextWriter output, IReadOnlyList<BacktestEvent> events)
    {
        if (events.Count == 0)
        {
            await output.WriteLineAsync("No rule would have fired in this period.");
            return;
        }

        foreach (var e in events)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{e.At:yyyy-MM-dd HH:mm}Z  {e.What,-9}  {e.Severity.ToWire(),-8}  {e.IncidentKey}  {e.Summary}"));
        }

        var opened = events.Count(e => e.What == "opened");
        await output.WriteLineAsync($"{opened} incident(s) would have opened.");
    }
}
