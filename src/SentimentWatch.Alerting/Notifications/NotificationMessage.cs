using System.Globalization;
using System.Text;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// What a notification says, fixed when the incident changed, written for a PR person reading it
/// on a phone at 3 a.m.: the watch's name, what happened in one sentence (counts, reach, trend
/// against the usual, growth), every signal that fired with its numbers, meaningful top terms,
/// the most influential and the most recent posts with links to the originals, and links to the
/// console. This is also the generic webhook's JSON body.
/// </summary>
public sealed record NotificationMessage
{
    /// <summary>Idempotency key: the same notification always carries the same id.</summary>
    public required string Id { get; init; }

    /// <summary><c>opened</c>, <c>escalated</c>, <c>reminder</c>, <c>resolved</c> or <c>notice</c>.</summary>
    public required string Kind { get; init; }

    public required long AlertId { get; init; }
    public required string Watch { get; init; }

    /// <summary>The watch's display name ("Lumo Coffee / 绿莫咖啡").</summary>
    public string? WatchName { get; init; }

    /// <summary>The lead signal's rule and kind.</summary>
    public required string Rule { get; init; }
    public required string RuleKind { get; init; }
    public string? Group { get; init; }
    public required string Severity { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>When this notification was decided.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>One sentence: what happened (or, for a recovery, where things stand now).</summary>
    public string? WhatHappened { get; init; }

    /// <summary>The signals' readings against their thresholds, joined.</summary>
    public required string Summary { get; init; }
    public required double Measured { get; init; }
    public required double Threshold { get; init; }
    public required int Count { get; init; }
    public double? Baseline { get; init; }
    public required DateTimeOffset WindowStart { get; init; }
    public required DateTimeOffset WindowEnd { get; init; }

    /// <summary>Every signal of the incident, strongest first.</summary>
    public IReadOnlyList<SignalLine> Signals { get; init; } = [];

    public IReadOnlyList<string> TopTerms { get; init; } = [];

    /// <summary>The most influential and the most recent posts, with links to the originals.</summary>
    public IReadOnlyList<EvidenceSample> Samples { get; init; } = [];

    /// <summary>The console's alert page (<c>{PublicBaseUrl}/alerts/{id}</c>).</summary>
    public string? AlertLink { get; init; }

    /// <summary>The console's search, filtered to the watch and the incident's window (<c>/search?…</c>).</summary>
    public string? MentionsLink { get; init; }

    /// <summary>The same through the API (<c>/api/alerts/{id}</c>, <c>/api/alerts/{id}/mentions</c>; pr role).</summary>
    public string? ApiLink { get; init; }
    public string? MentionsApiLink { get; init; }

    public string? AcknowledgedBy { get; init; }
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
    public static NotificationMessage ForNotice(StaffNoticeRecord notice, string idempotencyKey, DateTimeOffset now, string? watchName = null) => new()
    {
        Id = idempotencyKey,
        Kind = KindToWire(NotificationKind.Notice),
        AlertId = notice.AlertId ?? 0,
        Watch = notice.WatchId ?? "",
        WatchName = notice.WatchId is null ? null : watchName ?? notice.WatchId,
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

    /// <summary>Words used for the signals in titles.</summary>
    public static string Describe(CrisisRuleKind kind) => kind switch
    {
        CrisisRuleKind.NegativeSpike => "negative surge",
        CrisisRuleKind.NegativeShare => "mostly negative",
        CrisisRuleKind.RiskTerms => "high-risk complaints",
        CrisisRuleKind.Influencer => "high-reach negative post",
        CrisisRuleKind.CrisisScore => "crisis score",
        CrisisRuleKind.EmergingTopic => "new topic",
        _ => "source silent",
    };

    public static NotificationMessage For(Alert alert, NotificationKind kind, string idempotencyKey, DateTimeOffset now, string? publicBaseUrl, string? watchName = null,
        IReadOnlyCollection<string>? watchTerms = null)
    {
        var baseUrl = publicBaseUrl?.TrimEnd('/');
        string? search = null;
        if (baseUrl is not null)
        {
            var query = new StringBuilder($"{baseUrl}/search?q=&watch={Uri.EscapeDataString(alert.WatchId)}");
            query.Append("&from=").Append(Uri.EscapeDataString(alert.OpenedAt.UtcDateTime.AddMinutes(-30).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)));
            query.Append("&to=").Append(Uri.EscapeDataString(now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)));
            if (alert.Kind != CrisisRuleKind.NegativeShare)
            {
                query.Append("&sentiment=negative");
            }

            if (alert.GroupKey.StartsWith("source:", StringComparison.Ordinal))
            {
                query.Append("&source=").Append(Uri.EscapeDataString(alert.GroupKey["source:".Length..]));
            }

            search = query.ToString();
        }

        var reading = alert.Reading;
        var what = reading is null ? null : kind == NotificationKind.Resolved ? reading.DescribeRecovery(alert.PeakNegatives) : reading.Describe();
        return new NotificationMessage
        {
            Id = idempotencyKey,
            Kind = KindToWire(kind),
            AlertId = alert.Id,
            Watch = alert.WatchId,
            WatchName = watchName ?? alert.WatchId,
            Rule = alert.RuleId,
            RuleKind = CrisisRule.KindToWire(alert.Kind),
            Group = alert.GroupKey.Length == 0 ? null : alert.GroupKey[(alert.GroupKey.IndexOf(':', StringComparison.Ordinal) + 1)..],
            Severity = alert.Severity.ToWire(),
            Status = alert.Status.ToString().ToLowerInvariant(),
            OpenedAt = alert.OpenedAt,
            At = now,
            WhatHappened = what,
            Summary = alert.Summary,
            Measured = alert.Measured,
            Threshold = alert.Threshold,
            Count = alert.EvidenceCount,
            Baseline = alert.Baseline,
            WindowStart = alert.WindowStart,
            WindowEnd = alert.WindowEnd,
            Signals = alert.Signals.OrderByDescending(s => s.ClearedAt is null).ThenByDescending(s => s.Severity).ThenBy(s => s.FirstFiredAt).Select(SignalLine.From).ToArray(),
            TopTerms = MeaningfulTerms(alert.TopTerms, watchTerms ?? []),
            Samples = alert.Samples,
            AlertLink = baseUrl is null ? null : $"{baseUrl}/alerts/{alert.Id}",
            MentionsLink = search,
            ApiLink = baseUrl is null ? null : $"{baseUrl}/api/alerts/{alert.Id}",
            MentionsApiLink = baseUrl is null ? null : $"{baseUrl}/api/alerts/{alert.Id}/mentions",
            AcknowledgedBy = alert.AcknowledgedBy,
            ResolvedBy = alert.ResolvedBy,
        };
    }

    /// <summary>Top terms without the brand itself (the watch's name and query words) or pieces of it.</summary>
    public static IReadOnlyList<string> MeaningfulTerms(IReadOnlyList<string> terms, IReadOnlyCollection<string> watchTerms, int count = 6) =>
        terms.Where(t => !watchTerms.Any(w => w.Contains(t, StringComparison.OrdinalIgnoreCase) || (w.Length >= 2 && t.Contains(w, StringComparison.OrdinalIgnoreCase))))
            .Take(count).ToArray();

    /// <summary>One line for subjects and chat titles.</summary>
    public string Title
    {
        get
        {
            var name = WatchName ?? Watch;
            var group = Group is null ? string.Empty : $" ({Group})";
            var what = string.Join(", ", Signals.Where(s => s.Active).Select(s => s.What).Distinct());
            if (what.Length == 0)
            {
                what = RuleKind;
            }

            return Kind switch
            {
                "notice" => Headline ?? "Notice",
                "resolved" => $"[RESOLVED] {name}{group}: over ({(ResolvedBy is null or "auto" ? "all signals cleared" : $"resolved by {ResolvedBy}")})",
                "escalated" => $"[{Severity.ToUpperInvariant()}] {name}{group}: escalated — {what}",
                "reminder" => $"[{Severity.ToUpperInvariant()}] {name}{group}: still going, unacknowledged — {what}",
                _ => $"[{Severity.ToUpperInvariant()}] {name}{group}: {what}",
            };
        }
    }

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

        if (WhatHappened is not null)
        {
            text.AppendLine(WhatHappened);
        }

        if (Kind == "resolved")
        {
            text.AppendLine(ResolvedBy is null or "auto" ? $"Resolved automatically at {At:yyyy-MM-dd HH:mm} UTC: every signal stayed clear." : $"Resolved by {ResolvedBy} at {At:yyyy-MM-dd HH:mm} UTC.");
        }
        else if (AcknowledgedBy is not null)
        {
            text.AppendLine($"Acknowledged by {AcknowledgedBy}.");
        }

        text.AppendLine().AppendLine(Kind == "resolved" ? "Signals during the incident:" : "Why it fired:");
        foreach (var signal in Signals)
        {
            text.AppendLine($"- {signal.Line}");
        }

        if (Signals.Count == 0)
        {
            text.AppendLine($"- {Summary}");
        }

        if (TopTerms.Count > 0)
        {
            text.AppendLine().AppendLine($"Top terms: {string.Join(", ", TopTerms)}");
        }

        if (Samples.Count > 0 && Kind != "resolved")
        {
            text.AppendLine().AppendLine("Posts (most influential and most recent):");
            foreach (var sample in Samples)
            {
                text.AppendLine($"- {SampleLine(sample)}");
                text.AppendLine($"  {sample.Url ?? "(no link to the original)"}");
            }
        }

        text.AppendLine().AppendLine($"Incident {AlertId}, opened {OpenedAt:yyyy-MM-dd HH:mm} UTC.");
        if (AlertLink is not null)
        {
            text.AppendLine($"Open in the console: {AlertLink}");
        }

        if (MentionsLink is not null)
        {
            text.AppendLine($"All posts: {MentionsLink}");
        }

        if (ApiLink is not null)
        {
            text.AppendLine($"API (X-Api-Key, pr role): {ApiLink} · {MentionsApiLink}");
        }

        return text.ToString();
    }

    /// <summary>"weibo · @foodie_li · reach 300,000 · 17:02 UTC — excerpt".</summary>
    public static string SampleLine(EvidenceSample sample)
    {
        var parts = new List<string> { sample.Source };
        if (!string.IsNullOrWhiteSpace(sample.Author))
        {
            parts.Add("@" + sample.Author);
        }

        parts.Add($"reach {sample.Reach.ToString("N0", CultureInfo.InvariantCulture)}");
        if (sample.At is { } at)
        {
            parts.Add($"{at:HH:mm} UTC");
        }

        return $"{string.Join(" · ", parts)} — {sample.Excerpt}";
    }
}

/// <summary>One signal of an incident as messages show it.</summary>
public sealed record SignalLine(string Rule, string Kind, string What, string Severity, bool Active, double Measured, double PeakMeasured, double Threshold, string Summary)
{
    public static SignalLine From(AlertSignal s) => new(
        s.RuleId, CrisisRule.KindToWire(s.Kind), NotificationMessage.Describe(s.Kind), s.Severity.ToWire(), s.ClearedAt is null, s.Measured, s.PeakMeasured, s.Threshold, s.Summary);

    /// <summary>"high-risk complaints (critical): 3 negative mentions with high-risk terms (食物中毒) in the last 30 min (threshold 3)".</summary>
    public string Line => $"{What} ({Severity}{(Active ? "" : ", cleared")}): {Summary}";
}
