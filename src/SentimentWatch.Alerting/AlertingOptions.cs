using System.Globalization;
using Microsoft.Extensions.Options;
using SentimentWatch.Storage;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting;

/// <summary>Configuration section <c>Alerting</c>: the crisis rules and where alerts are delivered.</summary>
public sealed class AlertingOptions
{
    public const string SectionName = "Alerting";

    /// <summary>How often windowed rules are re-evaluated without new evidence (recovery, resolution).</summary>
    public TimeSpan EvaluationInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long per-mention evidence is kept for windows and baselines.</summary>
    public TimeSpan EvidenceRetention { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Base URL of the API/UI, for links in messages, e.g. <c>https://watch.example.com</c>.</summary>
    public string? PublicBaseUrl { get; set; }

    public List<CrisisRuleOptions> Rules { get; set; } = [];

    public AlertDeliveryOptions Delivery { get; set; } = new();

    /// <summary>The response plan: per watch and severity, the ordered steps an incident starts (docs/alerting.md).</summary>
    public List<ResponsePlaybookOptions> Playbooks { get; set; } = [];

    /// <summary>Cron of the Hangfire job that reminds owners of overdue response steps (Hangfire's finest is every minute).</summary>
    public string ResponseStepCheckCron { get; set; } = "* * * * *";
}

/// <summary>One crisis rule of the emergency plan, e.g. "negative volume triples within ten minutes".</summary>
public sealed class CrisisRuleOptions
{
    /// <summary>Stable id; part of the incident key, so renaming it opens new incidents.</summary>
    public string Id { get; set; } = "";

    /// <summary>Watch id the rule applies to, or <c>*</c> for every watch.</summary>
    public string Watch { get; set; } = "";

    /// <summary>
    /// <c>negativeSpike</c>, <c>negativeShare</c>, <c>riskTerms</c>, <c>influencer</c>, <c>crisisScore</c>,
    /// <c>emergingTopic</c> (a term absent from the baseline used by at least MinCount distinct authors) or
    /// <c>sourceSilent</c> (a source without new mentions for longer than Window, or failing MinCount times in a row;
    /// Watch is ignored).
    /// </summary>
    public string Kind { get; set; } = "";

    /// <summary><c>info</c>, <c>warning</c> or <c>critical</c>.</summary>
    public string Severity { get; set; } = "warning";

    /// <summary>Optional partition: <c>source</c> or <c>topic</c>; one incident per value.</summary>
    public string? GroupBy { get; set; }

    /// <summary>The evidence window; spikes compare it with the same-length window before it.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Least number of (negative) mentions in the window before the rule can fire.</summary>
    public int MinCount { get; set; } = 1;

    /// <summary>negativeSpike: how many times the baseline the window must reach.</summary>
    public double Ratio { get; set; } = 3;

    /// <summary>
    /// How many windows before the current one form the baseline (their mean per window). One
    /// adjacent window is noisy: a quiet ten minutes followed by a normal ten reads as a spike.
    /// </summary>
    public int BaselineWindows { get; set; } = 6;

    /// <summary>
    /// negativeSpike: the window must also stand this many Poisson standard deviations above the
    /// baseline mean ((n - mean) / sqrt(mean)), so chance fluctuations of small counts do not fire.
    /// </summary>
    public double MinZ { get; set; } = 3;

    /// <summary>
    /// negativeSpike: <c>windows</c> (default; the <see cref="BaselineWindows"/> windows just before)
    /// or <c>hourOfWeek</c>: the same window at the same time of week in each of the
    /// <see cref="BaselineWeeks"/> weeks before, so a surge that recurs every Monday morning is
    /// the baseline rather than an alarm. The window fires when it has at least MinCount negatives
    /// and z = (n - mean) / max(sqrt(mean), empirical std of the weekly counts, 1) reaches MinZ
    /// (Ratio is not used). Needs EvidenceRetention of at least BaselineWeeks weeks plus Window.
    /// </summary>
    public string Baseline { get; set; } = "windows";

    /// <summary>negativeSpike with Baseline <c>hourOfWeek</c>: how many previous weeks form the baseline.</summary>
    public int BaselineWeeks { get; set; } = 4;

    /// <summary>
    /// negativeSpike with Baseline <c>hourOfWeek</c>: the time zone whose clock "the same time of week" is read on (an IANA
    /// id such as Europe/Berlin; default UTC). Where clocks change for daylight saving, a UTC week puts Monday 09:00's
    /// recurring surge an hour off its baseline for BaselineWeeks weeks after each change (decision 252).
    /// </summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>negativeShare: share of negatives (0..1); crisisScore: score (0..1).</summary>
    public double Threshold { get; set; } = 0.5;

    /// <summary>riskTerms: the high-risk terms (matched case-insensitively in title and text).</summary>
    public List<string> Terms { get; set; } = [];

    /// <summary>influencer: least reach (followers, views, or interactions) of a negative mention.</summary>
    public long MinReach { get; set; } = 100_000;

    /// <summary>When the measured value reaches this multiple of the threshold, severity goes up one level.</summary>
    public double EscalateAt { get; set; } = 2;

    /// <summary>Hysteresis: the condition must stay clear this long before the alert resolves itself.</summary>
    public TimeSpan ClearFor { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A still-firing alert is re-announced at most this often (escalations are announced at once).</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Where and how notifications go.</summary>
public sealed class AlertDeliveryOptions
{
    /// <summary>
    /// Retired (decision 146): notification jobs live where <c>Storage:Provider</c> says (in memory
    /// with the SQLite outbox, or the PostgreSQL state database). Left empty; a value that agrees with
    /// the provider (<c>InMemory</c> for sqlite, <c>PostgreSql</c> for postgresql) is tolerated, any
    /// other is refused at start-up with the fix.
    /// </summary>
    public string? JobStorage { get; set; }

    /// <summary>Retired (decision 146): the jobs use <c>Storage:ConnectionString</c>. Must be left empty.</summary>
    public string? PostgreSqlConnectionString { get; set; }

    /// <summary>How often Hangfire moves due retries to the queue (its default is 15 s).</summary>
    public TimeSpan RetryPollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int WorkerCount { get; set; } = 4;

    public List<WebhookChannelOptions> Webhooks { get; set; } = [];

    /// <summary>Slack, Teams, DingTalk, WeCom and Feishu robots.</summary>
    public List<Notifications.ChatRobotChannelOptions> ChatRobots { get; set; } = [];

    public EmailChannelOptions? Email { get; set; }
}

/// <summary>Routing shared by every channel.</summary>
public abstract class ChannelRouteOptions
{
    /// <summary>Least severity this channel receives.</summary>
    public string MinSeverity { get; set; } = "info";

    /// <summary>Watches this channel receives alerts for; empty means all.</summary>
    public List<string> Watches { get; set; } = [];

    /// <summary>Whether staff notices about incidents (overdue response steps) are sent here too.</summary>
    public bool Notices { get; set; } = true;

    /// <summary>
    /// Whether per-case notices (SLA warnings and breaches, follow-ups due) are sent here too (with <see cref="Notices"/>).
    /// Off by default: an alert channel is for crises, and one SLA wave is dozens of notices; turn it on for the support
    /// team's channel (decision 225).
    /// </summary>
    public bool CaseNotices { get; set; }

    /// <summary>The language its messages are written in: <c>en</c> (default) or <c>zh-CN</c> (decision 218).</summary>
    public string Language { get; set; } = MessageStyle.English;

    /// <summary>The time zone its messages give times in: an IANA id (<c>Asia/Shanghai</c>) or <c>UTC</c> (default).</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The language and zone its messages are written in (validated at start-up).</summary>
    public MessageStyle ToStyle() => MessageStyle.From(Language, TimeZone);
}

public sealed class WebhookChannelOptions : ChannelRouteOptions
{
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";

    /// <summary>HMAC-SHA256 key for the <c>X-SentimentWatch-Signature</c> header.</summary>
    public string Secret { get; set; } = "";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

public sealed class EmailChannelOptions : ChannelRouteOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;

    /// <summary><c>Auto</c>, <c>None</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c> or <c>SslOnConnect</c>.</summary>
    public string Security { get; set; } = "Auto";

    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "";
    public List<string> To { get; set; } = [];
}

public sealed class AlertingOptionsValidator(IOptions<StorageOptions>? storage) : IValidateOptions<AlertingOptions>
{
    /// <summary>Without the storage options the retired job-storage settings are checked against the default (sqlite).</summary>
    public AlertingOptionsValidator()
        : this(null)
    {
    }

    public ValidateOptionsResult Validate(string? name, AlertingOptions options)
    {
        const string s = AlertingOptions.SectionName;
        var failures = new List<string>();
        if (options.EvaluationInterval < TimeSpan.FromSeconds(1) || options.EvaluationInterval > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{s}:EvaluationInterval must be between 00:00:01 and 00:00:30 so windowed rules are evaluated at least every 30 s (was {options.EvaluationInterval})");
        }

        if (options.PublicBaseUrl is { Length: > 0 } baseUrl && !Uri.TryCreate(baseUrl, UriKind.Absolute, out _))
        {
            failures.Add($"{s}:PublicBaseUrl '{baseUrl}' is not an absolute URL");
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Rules.Count; i++)
        {
            var rule = options.Rules[i];
            var p = $"{s}:Rules:{i}";
            if (string.IsNullOrWhiteSpace(rule.Id))
            {
                failures.Add($"{p}:Id must name the rule");
            }
            else if (!ids.Add(rule.Id))
            {
                failures.Add($"{p}:Id '{rule.Id}' is used by another rule");
            }

            if (string.IsNullOrWhiteSpace(rule.Watch))
            {
                failures.Add($"{p}:Watch must name a watch id or be '*'");
            }

            if (!CrisisRule.TryParseKind(rule.Kind, out var kind))
            {
                failures.Add($"{p}:Kind '{rule.Kind}' is not one of negativeSpike, negativeShare, riskTerms, influencer, crisisScore, emergingTopic, sourceSilent");
            }

            if (!AlertSeverities.TryParse(rule.Severity, out _))
            {
                failures.Add($"{p}:Severity '{rule.Severity}' is not one of info, warning, critical");
            }

            if (rule.GroupBy is { Length: > 0 } g && !CrisisRule.TryParseGroup(g, out _))
            {
                failures.Add($"{p}:GroupBy '{g}' is not one of source, topic");
            }

            if (rule.Window < TimeSpan.FromMinutes(1) || rule.Window > TimeSpan.FromDays(1))
            {
                failures.Add($"{p}:Window must be between 00:01:00 and 1.00:00:00 (was {rule.Window})");
            }

            if (rule.MinCount < 1)
            {
                failures.Add($"{p}:MinCount must be at least 1 (was {rule.MinCount})");
            }

            if (kind == CrisisRuleKind.NegativeSpike && rule.Ratio <= 1)
            {
                failures.Add($"{p}:Ratio must be above 1 (was {rule.Ratio.ToString(CultureInfo.InvariantCulture)})");
            }

            if (rule.BaselineWindows is < 1 or > 168)
            {
                failures.Add($"{p}:BaselineWindows must be between 1 and 168 (was {rule.BaselineWindows})");
            }

            if (!CrisisRule.TryParseBaseline(rule.Baseline, out var baselineKind))
            {
                failures.Add($"{p}:Baseline '{rule.Baseline}' is not one of windows, hourOfWeek");
            }
            else if (baselineKind == SpikeBaseline.HourOfWeek)
            {
                if (kind != CrisisRuleKind.NegativeSpike)
                {
                    failures.Add($"{p}:Baseline hourOfWeek applies to negativeSpike rules only (Kind is '{rule.Kind}')");
                }

                if (rule.BaselineWeeks is < 1 or > 12)
                {
                    failures.Add($"{p}:BaselineWeeks must be between 1 and 12 (was {rule.BaselineWeeks})");
                }
                else if (options.EvidenceRetention < CrisisRule.HourOfWeekLookback(rule.BaselineWeeks, rule.Window, rule.TimeZone))
                {
                    var needed = CrisisRule.HourOfWeekLookback(rule.BaselineWeeks, rule.Window, rule.TimeZone);
                    failures.Add($"{s}:EvidenceRetention must be at least {needed} for {p} (hourOfWeek over {rule.BaselineWeeks} weeks; was {options.EvidenceRetention})");
                }

                if (!MessageStyle.TryFindZone(rule.TimeZone, out _))
                {
                    failures.Add($"{p}:TimeZone '{rule.TimeZone}' is not a time zone this machine knows (an IANA id such as Europe/Berlin, or UTC)");
                }
            }

            if (rule.MinZ is < 0 or > 20)
            {
                failures.Add($"{p}:MinZ must be between 0 and 20 (was {rule.MinZ.ToString(CultureInfo.InvariantCulture)})");
            }

            if (kind is CrisisRuleKind.NegativeShare or CrisisRuleKind.CrisisScore && (rule.Threshold <= 0 || rule.Threshold > 1))
            {
                failures.Add($"{p}:Threshold must be in (0, 1] (was {rule.Threshold.ToString(CultureInfo.InvariantCulture)})");
            }

            if (kind == CrisisRuleKind.RiskTerms && rule.Terms.Count(t => !string.IsNullOrWhiteSpace(t)) == 0)
            {
                failures.Add($"{p}:Terms must list at least one high-risk term");
            }

            if (kind == CrisisRuleKind.Influencer && rule.MinReach < 1)
            {
                failures.Add($"{p}:MinReach must be at least 1 (was {rule.MinReach})");
            }

            if (rule.EscalateAt <= 1)
            {
                failures.Add($"{p}:EscalateAt must be above 1 (was {rule.EscalateAt.ToString(CultureInfo.InvariantCulture)})");
            }

            if (rule.ClearFor < TimeSpan.Zero)
            {
                failures.Add($"{p}:ClearFor must not be negative");
            }

            // Zero would send a reminder on every evaluation (every few seconds) while an incident fires: the spam the product
            // promises a PR team it will not send.
            if (rule.Cooldown < TimeSpan.FromMinutes(1))
            {
                failures.Add($"{p}:Cooldown must be at least 00:01:00 (was {rule.Cooldown}): reminders repeat an open incident no more often than this");
            }
        }

        ValidateDelivery(options.Delivery, $"{s}:Delivery", storage?.Value.Provider ?? StateStoreProvider.Sqlite, failures);
        PlaybookValidation.Validate(options, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateDelivery(AlertDeliveryOptions delivery, string p, StateStoreProvider provider, List<string> failures)
    {
        // Jobs follow the state store (decision 146): the old switch may stay only where it agrees.
        var follows = provider == StateStoreProvider.PostgreSql ? "PostgreSql" : "InMemory";
        if (!string.IsNullOrWhiteSpace(delivery.JobStorage) && !delivery.JobStorage.Equals(follows, StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{p}:JobStorage '{delivery.JobStorage}' is retired and disagrees with {StorageOptions.SectionName}:Provider '{provider.ToString().ToLowerInvariant()}': notification jobs now live where the state store is ({follows}); remove {p}:JobStorage, and set {StorageOptions.SectionName}:Provider=postgresql for jobs shared by several workers");
        }

        if (!string.IsNullOrWhiteSpace(delivery.PostgreSqlConnectionString))
        {
            failures.Add($"{p}:PostgreSqlConnectionString is retired: notification jobs use the state database ({StorageOptions.SectionName}:ConnectionString with {StorageOptions.SectionName}:Provider=postgresql); remove it");
        }

        if (delivery.RetryPollingInterval < TimeSpan.FromMilliseconds(100) || delivery.RetryPollingInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{p}:RetryPollingInterval must be between 00:00:00.1 and 00:01:00 (was {delivery.RetryPollingInterval})");
        }

        if (delivery.WorkerCount is < 1 or > 64)
        {
            failures.Add($"{p}:WorkerCount must be between 1 and 64 (was {delivery.WorkerCount})");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Notifications.EmailChannel.ChannelName };
        for (var i = 0; i < delivery.Webhooks.Count; i++)
        {
            var hook = delivery.Webhooks[i];
            var hp = $"{p}:Webhooks:{i}";
            if (string.IsNullOrWhiteSpace(hook.Name))
            {
                failures.Add($"{hp}:Name must name the channel");
            }
            else if (!names.Add(hook.Name))
            {
                failures.Add($"{hp}:Name '{hook.Name}' is used by another channel");
            }

            if (!Uri.TryCreate(hook.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{hp}:Url '{hook.Url}' must be an absolute http(s) URL");
            }

            if (string.IsNullOrEmpty(hook.Secret) || hook.Secret.Length < 16)
            {
                failures.Add($"{hp}:Secret must be at least 16 characters (it keys the HMAC-SHA256 signature)");
            }

            if (hook.Timeout <= TimeSpan.Zero || hook.Timeout > TimeSpan.FromMinutes(2))
            {
                failures.Add($"{hp}:Timeout must be between 00:00:01 and 00:02:00 (was {hook.Timeout})");
            }

            ValidateRoute(hook, hp, failures);
        }

        for (var i = 0; i < delivery.ChatRobots.Count; i++)
        {
            var robot = delivery.ChatRobots[i];
            var rp = $"{p}:ChatRobots:{i}";
            if (string.IsNullOrWhiteSpace(robot.Name))
            {
                failures.Add($"{rp}:Name must name the channel");
            }
            else if (!names.Add(robot.Name))
            {
                failures.Add($"{rp}:Name '{robot.Name}' is used by another channel");
            }

            if (!Notifications.ChatRobotChannel.TryParseKind(robot.Kind, out _))
            {
                failures.Add($"{rp}:Kind '{robot.Kind}' is not one of slack, teams, dingtalk, wecom, feishu");
            }

            if (!Uri.TryCreate(robot.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{rp}:Url '{robot.Url}' must be an absolute http(s) URL");
            }

            ValidateRoute(robot, rp, failures);
        }

        if (delivery.Email is { } email)
        {
            var ep = $"{p}:Email";
            if (string.IsNullOrWhiteSpace(email.Host))
            {
                failures.Add($"{ep}:Host must name the SMTP server");
            }

            if (email.Port is < 1 or > 65535)
            {
                failures.Add($"{ep}:Port must be between 1 and 65535 (was {email.Port})");
            }

            if (!Enum.TryParse<MailKit.Security.SecureSocketOptions>(email.Security, ignoreCase: true, out _))
            {
                failures.Add($"{ep}:Security '{email.Security}' is not one of Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect");
            }

            if (!IsAddress(email.From))
            {
                failures.Add($"{ep}:From '{email.From}' is not an e-mail address");
            }

            if (email.To.Count == 0)
            {
                failures.Add($"{ep}:To must list at least one recipient");
            }

            for (var i = 0; i < email.To.Count; i++)
            {
                if (!IsAddress(email.To[i]))
                {
                    failures.Add($"{ep}:To:{i} '{email.To[i]}' is not an e-mail address");
                }
            }

            if (!string.IsNullOrEmpty(email.UserName) && string.IsNullOrEmpty(email.Password))
            {
                failures.Add($"{ep}:Password is required when {ep}:UserName is set");
            }

            ValidateRoute(email, ep, failures);
        }
    }

    private static bool IsAddress(string? value) =>
        MimeKit.MailboxAddress.TryParse(value, out var mailbox) && mailbox.Address.Contains('@', StringComparison.Ordinal);

    private static void ValidateRoute(ChannelRouteOptions route, string p, List<string> failures)
    {
        if (!AlertSeverities.TryParse(route.MinSeverity, out _))
        {
            failures.Add($"{p}:MinSeverity '{route.MinSeverity}' is not one of info, warning, critical");
        }

        if (!MessageStyle.TryParseLanguage(route.Language, out _))
        {
            failures.Add($"{p}:Language '{route.Language}' is not one of en, zh-CN");
        }

        if (!MessageStyle.TryFindZone(route.TimeZone, out _))
        {
            failures.Add($"{p}:TimeZone '{route.TimeZone}' is not a time zone this machine knows (an IANA id such as Asia/Shanghai, or UTC)");
        }
    }
}
