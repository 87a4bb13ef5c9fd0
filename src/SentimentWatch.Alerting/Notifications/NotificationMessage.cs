using System.Globalization;
using System.Text;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// What a notification says, fixed when the alert changed: what fired, the numbers against the
/// baseline, top terms, sample mentions with links and a link to all the mentions. This is
/// also the generic webhook's JSON body.
/// </summary>
public sealed record NotificationMessage
{
    /// <summary>Idempotency key: the same notification always carries the same id.</summary>
    public required string Id { get; init; }

    /// <summary><c>opened</c>, <c>escalated</c>, <c>reminder</c> or <c>resolved</c>.</summary>
    public required string Kind { get; init; }

    public required long AlertId { get; init; }
    public required string Watch { get; init; }
    public required string Rule { get; init; }
    public required string RuleKind { get; init; }
    public string? Group { get; init; }
    public required string Severity { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When this notification was decided.</summary>
    public required DateTimeOffset At { get; init; }

    public required string Summary { get; init; }
    public required double Measured { get; init; }
    public required double Threshold { get; init; }
    public required int Count { get; init; }
    public double? Baseline { get; init; }
    public required DateTimeOffset WindowStart { get; init; }
    public required DateTimeOffset WindowEnd { get; init; }
    public IReadOnlyList<string> TopTerms { get; init; } = [];
    public IReadOnlyList<EvidenceSample> Samples { get; init; } = [];
    public string? AlertLink { get; init; }
    public string? MentionsLink { get; init; }
    public string? ResolvedBy { get; init; }

    /// <summary>A staff notice's own title (alerts compose theirs from kind, severity and watch).</summary>
    public string? Headline { get; init; }

    /// <summary>Who a staff notice is for (free-form names; e-mail addresses are mailed too).</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    public static string KindToWire(NotificationKind kind) => kind switch
    {
        NotificationKind.Opened => "opened",
        NotificationKind.Escalated => "escalated",
        NotificationKind.Reminder => "reminder",
        NotificationKind.Notice => "notice",
        _ => "resolved",
    };

    /// <summary>A staff notice in the message shape every channel already renders.</summary>
    public static NotificationMessage ForNotice(StaffNoticeRecord notice, string idempotencyKey, DateTimeOffset now) => new()
    {
        Id = idempotencyKey,
        Kind = KindToWire(NotificationKind.Notice),
        AlertId = 0,
        Watch = "",
        Rule = "",
        RuleKind = "notice",
        Severity = AlertSeverity.Warning.ToWire(),
        Status = "notice",
        OpenedAt = notice.CreatedAt,
        At = now,
        Summary = notice.Text,
        Measured = 0,
        Threshold = 0,
        Count = 0,
        WindowStart = notice.CreatedAt,
        WindowEnd = notice.CreatedAt,
        AlertLink = notice.Link,
        Headline = notice.Title,
        Recipients = notice.RecipientList,
    };

    public static NotificationMessage For(Alert alert, NotificationKind kind, string idempotencyKey, DateTimeOffset now, string? publicBaseUrl)
    {
        var baseUrl = publicBaseUrl?.TrimEnd('/');
        string? mentions = null;
        if (baseUrl is not null)
        {
            var query = new StringBuilder($"{baseUrl}/api/mentions?watch={Uri.EscapeDataString(alert.WatchId)}");
            query.Append("&from=").Append(Uri.EscapeDataString(alert.WindowStart.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
            query.Append("&to=").Append(Uri.EscapeDataString(alert.WindowEnd.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)));
            if (alert.Kind != CrisisRuleKind.NegativeShare)
            {
                query.Append("&sentiment=negative");
            }

            mentions = query.ToString();
        }

        return new NotificationMessage
        {
            Id = idempotencyKey,
            Kind = KindToWire(kind),
            AlertId = alert.Id,
            Watch = alert.WatchId,
            Rule = alert.RuleId,
            RuleKind = CrisisRule.KindToWire(alert.Kind),
            Group = alert.GroupKey.Length == 0 ? null : alert.GroupKey,
            Severity = alert.Severity.ToWire(),
            Status = alert.Status.ToString().ToLowerInvariant(),
            OpenedAt = alert.OpenedAt,
            At = now,
            Summary = alert.Summary,
            Measured = alert.Measured,
            Threshold = alert.Threshold,
            Count = alert.EvidenceCount,
            Baseline = alert.Baseline,
            WindowStart = alert.WindowStart,
            WindowEnd = alert.WindowEnd,
            TopTerms = alert.TopTerms,
            Samples = alert.Samples,
            AlertLink = baseUrl is null ? null : $"{baseUrl}/api/alerts/{alert.Id}",
            MentionsLink = mentions,
            ResolvedBy = alert.ResolvedBy,
        };
    }

    /// <summary>One line for subjects and chat titles.</summary>
    public string Title => Kind switch
    {
        "notice" => Headline ?? "Notice",
        "resolved" => $"[RESOLVED] {RuleKind} on {Watch}{GroupSuffix} is over",
        "escalated" => $"[{Severity.ToUpperInvariant()}] {RuleKind} on {Watch}{GroupSuffix} escalated",
        "reminder" => $"[{Severity.ToUpperInvariant()}] {RuleKind} on {Watch}{GroupSuffix} still firing",
        _ => $"[{Severity.ToUpperInvariant()}] {RuleKind} on {Watch}{GroupSuffix}",
    };

    private string GroupSuffix => Group is null ? string.Empty : $" ({Group})";

    /// <summary>Plain-text body for e-mail and text-only channels.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(Title).AppendLine();
        if (Kind == "notice")
        {
            text.AppendLine(Summary);
            if (Recipients.Count > 0)
            {
                text.AppendLine().AppendLine($"For: {string.Join(", ", Recipients)}");
            }

            if (AlertLink is not null)
            {
                text.AppendLine().AppendLine($"Open: {AlertLink}");
            }

            return text.ToString();
        }

        text.AppendLine(Kind == "resolved" ? $"Resolved by {ResolvedBy ?? "auto"} at {At:u}. Last reading: {Summary}" : Summary);
        text.AppendLine($"Alert {AlertId} (rule {Rule}), opened {OpenedAt:u}, window {WindowStart:u} – {WindowEnd:u}.");
        if (TopTerms.Count > 0)
        {
            text.AppendLine($"Top terms: {string.Join(", ", TopTerms)}");
        }

        if (Samples.Count > 0)
        {
            text.AppendLine().AppendLine("Sample mentions:");
            foreach (var sample in Samples)
            {
                text.AppendLine($"- [{sample.Source}, reach {sample.Reach:N0}] {sample.Excerpt}");
                text.AppendLine($"  {sample.Url ?? "(no link)"} (id {sample.MentionId})");
            }
        }

        if (MentionsLink is not null)
        {
            text.AppendLine().AppendLine($"All mentions: {MentionsLink}");
        }

        if (AlertLink is not null)
        {
            text.AppendLine($"Alert: {AlertLink}");
        }

        return text.ToString();
    }
}
