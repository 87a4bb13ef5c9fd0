using System.Diagnostics.Metrics;

namespace SentimentWatch.Alerting;

/// <summary>
/// Alerting's instruments on the service's meter (<c>SentimentWatch</c>), counted where the work
/// happens: live rule evaluations (not backtests) and notification delivery attempts by outcome.
/// </summary>
public static class AlertingMeter
{
    public const string MeterName = "SentimentWatch";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Evaluations = Meter.CreateCounter<long>(
        "sentimentwatch.alerts.rule_evaluations", "{evaluation}", "Crisis rules evaluated against a watch's evidence, by rule kind.");

    private static readonly Counter<long> Deliveries = Meter.CreateCounter<long>(
        "sentimentwatch.alerts.notification_deliveries", "{delivery}", "Notification delivery attempts by channel and outcome (delivered, failed, dropped).");

    public static void RuleEvaluated(CrisisRule rule) =>
        Evaluations.Add(1, new KeyValuePair<string, object?>("rule.kind", rule.Kind.ToString()));

    public static void DeliveryAttempted(string channel, string outcome) =>
        Deliveries.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));
}
