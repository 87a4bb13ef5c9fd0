using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Alerting;

/// <summary>One moment in a backtest: an incident that would have opened, escalated or resolved.</summary>
public sealed record BacktestEvent(DateTimeOffset At, string IncidentKey, string What, AlertSeverity Severity, string Summary);

/// <summary>
/// Replays the configured rules over indexed history, stepping the clock, with the same
/// evaluation and hysteresis as the live desk, so a team can tune thresholds on past data.
/// Notifications, cool-downs and silences are not simulated.
/// </summary>
public sealed class AlertBacktest(IMentionIndex index, IOptions<AlertingOptions> options)
{
    public async Task<IReadOnlyList<BacktestEvent>> RunAsync(string watch, DateTimeOffset from, DateTimeOffset to, TimeSpan step, CancellationToken cancellationToken)
    {
        var rules = options.Value.Rules.Select(CrisisRule.From).Where(r => r.AppliesTo(watch)).ToArray();
        if (rules.Length == 0)
        {
            throw new InvalidOperationException($"no rule in {AlertingOptions.SectionName}:Rules applies to watch '{watch}'");
        }

        var lookback = rules.Max(r => r.Lookback);
        var evidence = new List<MentionEvidence>();
        await foreach (var mention in index.ScanAsync(new MentionFilter { Watch = watch, From = from - lookback, To = to }, cancellationToken))
        {
            evidence.Add(IncidentDesk.ToEvidence(mention, watch, rules, DateTimeOffset.MaxValue));
        }

        evidence.Sort((a, b) => a.At.CompareTo(b.At));
        var events = new List<BacktestEvent>();
        var open = new Dictionary<string, (AlertSeverity Severity, DateTimeOffset? ClearSince, CrisisRule Rule)>(StringComparer.Ordinal);
        var start = 0;
        var end = 0;
        for (var now = from; now <= to; now += step)
        {
            while (end < evidence.Count && evidence[end].At <= now)
            {
                end++;
            }

            while (start < end && evidence[start].At <= now - lookback)
            {
                start++;
            }

            var window = evidence.GetRange(start, end - start);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rule in rules)
            {
                foreach (var finding in RuleEvaluation.Evaluate(rule, watch, window, now))
                {
                    seen.Add(finding.IncidentKey);
                    if (!open.TryGetValue(finding.IncidentKey, out var state))
                    {
                        events.Add(new BacktestEvent(now, finding.IncidentKey, "opened", finding.Severity, finding.Summary));
                    }
                    else if (finding.Severity > state.Severity)
                    {
                        events.Add(new BacktestEvent(now, finding.IncidentKey, "escalated", finding.Severity, finding.Summary));
                    }

                    open[finding.IncidentKey] = (state.Severity > finding.Severity ? state.Severity : finding.Severity, null, rule);
                }
            }

            foreach (var key in open.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                var state = open[key];
                var clearSince = state.ClearSince ?? now;
                if (now - clearSince >= state.Rule.ClearFor)
                {
                    events.Add(new BacktestEvent(now, key, "resolved", state.Severity, $"clear since {clearSince:u}"));
                    open.Remove(key);
                }
                else
                {
                    open[key] = state with { ClearSince = clearSince };
                }
            }
        }

        return events;
    }
}
