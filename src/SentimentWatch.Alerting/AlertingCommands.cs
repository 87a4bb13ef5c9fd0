using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Alerting;

/// <summary>CLI verbs of the alerting capability.</summary>
public static class AlertingCommands
{
    public static IEnumerable<Command> Commands(Func<string[], IHost> buildHost)
    {
        var watch = new Option<string>("--watch") { Required = true, Description = "Watch id to replay the rules of" };
        var from = new Option<string>("--from") { Required = true, Description = "Start of the replay (ISO 8601; a date or a time without an offset is UTC's)" };
        var to = new Option<string>("--to") { Required = true, Description = "End of the replay (ISO 8601; a date includes its day)" };
        var step = new Option<TimeSpan>("--step") { Description = "Evaluation step (default 00:01:00, like a live tick)", DefaultValueFactory = _ => TimeSpan.FromMinutes(1) };
        var backtest = new Command("backtest", "Replay the alert rules over indexed history and print when each would have fired")
        {
            watch, from, to, step,
        };
        backtest.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var stepValue = result.GetValue(step);
            if (stepValue <= TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync("--step must be positive");
                return 2;
            }

            using var host = buildHost(result.UnmatchedTokens.ToArray());
            // The configured window (Mentions:EarliestPublishedAt), as the API bounds a query's.
            var window = host.Services.GetService<IOptions<Core.Mentions.MentionDateOptions>>()?.Value;
            if (ReadPeriod(result.GetValue(from)!, result.GetValue(to)!, out var fromValue, out var toValue, window) is { } refused)
            {
                await Console.Error.WriteLineAsync(refused);
                return 2;
            }

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

    /// <summary>
    /// The replay's period as the API reads a query's (decision 260, <see cref="Core.Mentions.QueryTime"/>), in UTC, the
    /// zone the replay prints: a date as --to includes its day, and both ends lie in the query window the API keeps
    /// (<paramref name="dates"/>: Mentions:EarliestPublishedAt to a year ahead), so no date arithmetic of the replay leaves the
    /// calendar. Null when read, else the sentence that says what to fix.
    /// </summary>
    public static string? ReadPeriod(string fromText, string toText, out DateTimeOffset from, out DateTimeOffset to, Core.Mentions.MentionDateOptions? dates = null)
    {
        to = default;
        var window = dates ?? Core.Mentions.MentionDateOptions.Default;
        var now = DateTimeOffset.UtcNow;
        string? Refusal(string option, string text, Core.Mentions.QueryDateRead read) => read switch
        {
            Core.Mentions.QueryDateRead.Read => null,
            Core.Mentions.QueryDateRead.OutsideWindow =>
                string.Create(CultureInfo.InvariantCulture, $"{option} '{text}' is outside the searchable range {window.EarliestPublishedAt:yyyy-MM-dd} to {window.QueryLatest(now):yyyy-MM-dd}"),
            _ => $"{option} '{text}' is not a date or time; use ISO 8601 such as 2026-11-01 or 2026-11-01T08:00:00+08:00",
        };

        if (Refusal("--from", fromText, window.ReadQueryDate(fromText, TimeZoneInfo.Utc, periodEnd: false, now, out from, out _)) is { } badFrom)
        {
            return badFrom;
        }

        if (Refusal("--to", toText, window.ReadQueryDate(toText, TimeZoneInfo.Utc, periodEnd: true, now, out to, out _)) is { } badTo)
        {
            return badTo;
        }

        return to > from ? null : $"--to ({toText}) must be after --from ({fromText}); a date as --to includes its day";
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
