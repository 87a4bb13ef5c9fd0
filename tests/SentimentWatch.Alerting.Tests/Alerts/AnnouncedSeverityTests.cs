namespace SentimentWatch.Alerting.Tests.Alerts;

/// <summary>What an incident's announcements said about its severity decides what is an escalation (decision 250).</summary>
public sealed class AnnouncedSeverityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static Finding At(AlertSeverity severity, DateTimeOffset at) => new()
    {
        RuleId = "risk", Kind = CrisisRuleKind.RiskTerms, WatchId = "brand", Severity = severity, Measured = 5, Threshold = 3, Count = 5,
        WindowStart = at.AddMinutes(-10), WindowEnd = at, Summary = "5 risky mentions",
    };

    // Opened critical while silenced, warning by the time the silence ended: the opening goes out at warning (to the warning
    // channels). Critical again afterwards is an escalation, so the critical-only channels hear of it; before, the opening's
    // first severity was taken as announced and nothing was sent.
    [Fact]
    public void An_incident_announced_below_the_severity_it_opened_at_escalates_when_it_reaches_it_again()
    {
        var alert = Alert.Open("brand", "brand", "", [At(AlertSeverity.Critical, T0)], T0);
        alert.Observe([At(AlertSeverity.Critical, T0)], T0, _ => null).ShouldBe(NotificationKind.Opened); // silenced: not marked

        var later = T0.AddMinutes(30);
        alert.Observe([At(AlertSeverity.Warning, later)], later, _ => null).ShouldBe(NotificationKind.Opened);
        alert.Severity.ShouldBe(AlertSeverity.Warning);
        alert.MarkNotified(NotificationKind.Opened, later); // the silence is over: announced at warning
        alert.NotifiedSeverity.ShouldBe(AlertSeverity.Warning);

        var again = later.AddMinutes(5);
        alert.Observe([At(AlertSeverity.Critical, again)], again, _ => null).ShouldBe(NotificationKind.Escalated);
    }
}
