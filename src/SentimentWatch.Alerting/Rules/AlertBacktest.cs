using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Alerting;

/// <summary>One moment in a backtest: an incident that would have opened, escalated or resolved.</summary>
public sealed record BacktestEvent(DateTimeOffset At, string IncidentKey, string What, AlertSeverity Severity, string Summary);

/// <summary>
/// Replays the configured rules over indexed history, stepping the clock, with the same
/// evaluation, incident model (one incident per watch and group, all rule kinds as its signals)
/// and hysteresis as the live desk, so a team can tune thresholds on past data and count
/// incidents as the desk would. Reminders and silences are not simulated.
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

        // The replay knows history only from what it scanned, and plays a desk that saw each post when it was published: its
        // history starts at a scope's first scanned post, where a live desk that had been watching would have first seen it
        // (decision 251's "observed"; a backfill's 20-post rule is about a desk that was not watching yet).
        var historySince = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var e in evidence)
        {
            foreach (var scope in EvidenceHistory.ScopesOf(e))
            {
                historySince.TryAdd(scope, e.At);
            }
        }

        DateTimeOffset? Since(string scope) => historySince.TryGetValue(scope, out var since) ? since : null;
        var events = new List<BacktestEvent>();
        CrisisRule? RuleOf(string id) => rules.FirstOrDefault(r => r.Id == id);

        // The live desk's incident model, in memory: findings of every rule on the watch (and
        // group) join one incident, which resolves when all of its signals have cleared.
        var open = new Dictionary<string, Alert>(StringComparer.Ordinal);
        var start = 0;
        var end = 0;
        // The last tick is the period's end itself: it sees the posts of [from, to) (the scan stops before to) and notices one
        // published in the last step, which a tick before the end cannot. An event it raises is stamped at to.
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
            var incidents = rules.SelectMany(r => RuleEvaluation.Evaluate(r, watch, window, now, Since))
                .GroupBy(f => f.IncidentKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
            foreach (var (key, findings) in incidents)
            {
                if (!open.TryGetValue(key, out var alert))
                {
                    open[key] = alert = Alert.Open(key, watch, findings[0].IncidentGroup, findings, now);
                }

                var kind = alert.Observe(findings, now, RuleOf);
                if (kind is NotificationKind.Opened or NotificationKind.Escalated)
                {
                    events.Add(new BacktestEvent(now, key, kind == NotificationKind.Opened ? "opened" : "escalated", alert.Severity, Signals(alert)));
                }

                if (kind is { } k)
                {
                    alert.MarkNotified(k, now);
                }
            }

            foreach (var (key, alert) in open.Where(o => !incidents.ContainsKey(o.Key)).ToList())
            {
                alert.Observe([], now, RuleOf);
                if (!alert.IsOpen)
                {
                    events.Add(new BacktestEvent(now, key, "resolved", alert.NotifiedSeverity, $"every signal clear since {alert.ClearSince:u}; signals: {string.Join(", ", alert.Signals.Select(s => s.SignalKey).Distinct())}"));
                    open.Remove(key);
                }
            }
        }

        return events;
    }

    private static string Signals(Alert alert) =>
        string.Join(" | ", alert.ActiveSignals.OrderByDescending(s => s.Severity).ThenBy(s => s.FirstFiredAt).Select(s => $"{CrisisRule.KindToWire(s.Kind)} ({s.RuleId}): {s.Summary}"));
}
