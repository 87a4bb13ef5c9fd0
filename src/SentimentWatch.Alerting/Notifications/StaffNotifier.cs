using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Storage;

namespace SentimentWatch.Alerting.Notifications;

/// <summary>
/// <see cref="IStaffNotifier"/> over the alert outbox: the notice and one outbox row per channel
/// that takes notices are committed together, then handed to the same Hangfire delivery job as
/// alerts (retries, lease, re-hand at start-up). A notice whose <see cref="StaffNotice.DedupKey"/>
/// was accepted before is dropped, so a caller that retries after a crash never notifies twice.
/// </summary>
public sealed class StaffNotifier(
    IDbContextFactory<AlertingDbContext> dbs,
    NotificationChannels channels,
    NotificationOutbox outbox,
    IOptionsMonitor<AlertingOptions> options,
    WatchNames watchNames,
    TimeProvider clock,
    ILogger<StaffNotifier> logger) : IStaffNotifier
{
    public const int MaxDedupKeyLength = 200;

    /// <summary>How often a notice that no channel takes is logged as a warning (the others at debug level).</summary>
    public static readonly TimeSpan UnroutedWarningInterval = TimeSpan.FromMinutes(15);

    private readonly Lock _unroutedGate = new();
    private DateTimeOffset? _lastUnroutedWarning;
    private int _unroutedSince;

    public Task NotifyAsync(StaffNotice notice, CancellationToken cancellationToken) => NotifyAsync(notice, null, cancellationToken, notice.WriteFor);

    /// <summary>
    /// A notice about one incident (an overdue response step): it carries the incident's id and
    /// watch, goes to the channels that take notices and that watch, and lands on the incident's record.
    /// <paramref name="localize"/> writes the notice for a channel whose language or time zone is not the default (decision 218).
    /// </summary>
    internal async Task NotifyAsync(StaffNotice notice, Alert? about, CancellationToken cancellationToken, Func<MessageStyle, (string Title, string Text)>? localize = null)
    {
        ArgumentNullException.ThrowIfNull(notice);
        localize ??= notice.WriteFor;
        if (string.IsNullOrWhiteSpace(notice.DedupKey) || notice.DedupKey.Length > MaxDedupKeyLength)
        {
            throw new ArgumentException($"a staff notice needs a DedupKey of 1 to {MaxDedupKeyLength} characters (was '{notice.DedupKey}')", nameof(notice));
        }

        if (string.IsNullOrWhiteSpace(notice.Title))
        {
            throw new ArgumentException($"staff notice '{notice.DedupKey}' needs a Title", nameof(notice));
        }

        var now = clock.GetUtcNow();
        List<long> outboxIds;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            if (await db.StaffNotices.AnyAsync(n => n.DedupKey == notice.DedupKey, cancellationToken))
            {
                logger.LogDebug("Staff notice {DedupKey} was sent before; not again", notice.DedupKey);
                return;
            }

            var record = new StaffNoticeRecord
            {
                DedupKey = notice.DedupKey,
                Title = notice.Title.Trim(),
                Text = notice.Text ?? "",
                Link = AbsoluteLink(notice.Link, options.CurrentValue.PublicBaseUrl),
                Recipients = string.Join('|', (notice.Recipients ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r.Replace("|", "", StringComparison.Ordinal).Trim())),
                CreatedAt = now,
                AlertId = about?.Id,
                WatchId = about?.WatchId,
            };

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.StaffNotices.Add(record);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (StateStoreErrors.IsConstraintViolation(ex))
            {
                // Another caller accepted the same notice a moment ago (unique DedupKey).
                logger.LogDebug("Staff notice {DedupKey} was accepted concurrently; not again", notice.DedupKey);
                return;
            }

            var rows = channels.RouteNotices(about?.WatchId, notice.AboutCase).Select(channel =>
            {
                var key = $"notice-{record.Id}-{channel}";
                var style = channels.StyleOf(channel);
                var message = NotificationMessage.ForNotice(record, key, now, about is null ? null : watchNames.Of(about.WatchId), style);
                if (localize is not null && style != MessageStyle.Default)
                {
                    var (title, text) = localize(style);
                    message = message with { Headline = title, Summary = text };
                }

                return new OutboxNotification
                {
                    IdempotencyKey = key,
                    AlertId = about?.Id ?? 0,
                    Channel = channel,
                    Kind = NotificationKind.Notice,
                    Payload = JsonSerializer.Serialize(message, Alert.Json),
                    CreatedAt = now,
                };
            }).ToList();
            db.Outbox.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outboxIds = rows.Select(r => r.Id).ToList();
            if (rows.Count == 0)
            {
                WarnUnrouted(notice.DedupKey, record.Title, notice.AboutCase, now);
            }
            else
            {
                logger.LogInformation("Staff notice {DedupKey} ({Title}) queued for {Channels}", notice.DedupKey, record.Title, string.Join(", ", rows.Select(r => r.Channel)));
            }
        }

        await outbox.HandOverAsync(outboxIds, cancellationToken);
    }

    /// <summary>
    /// A notice no channel takes is a configuration fact, not news each time: the first is a warning, and then one warning
    /// per <see cref="UnroutedWarningInterval"/> counts those recorded since (each is on its case or incident record, and
    /// in the debug log). An SLA wave of hundreds of notices is otherwise hundreds of identical warnings.
    /// </summary>
    private void WarnUnrouted(string dedupKey, string title, bool aboutCase, DateTimeOffset now)
    {
        lock (_unroutedGate)
        {
            _unroutedSince++;
            if (_lastUnroutedWarning is { } last && now - last < UnroutedWarningInterval)
            {
                logger.LogDebug("Staff notice {DedupKey} ({Title}) recorded, but no notification channel takes notices", dedupKey, title);
                return;
            }

            logger.LogWarning(
                "Staff notice {DedupKey} ({Title}) recorded, but no notification channel takes notices; {Unrouted} notice(s) recorded without a channel since the last such warning. Configure a channel under Alerting:Delivery (Webhooks, ChatRobots or Email; Notices is true by default{Case}) to deliver them",
                dedupKey, title, _unroutedSince, aboutCase ? "; per-case notices also need CaseNotices: true, off by default" : "");
            _lastUnroutedWarning = now;
            _unroutedSince = 0;
        }
    }

    /// <summary>Console paths (<c>/cases/12</c>) become links under the configured public base URL.</summary>
    internal static string? AbsoluteLink(string? link, string? publicBaseUrl)
    {
        if (string.IsNullOrWhiteSpace(link))
        {
            return null;
        }

        if (Uri.TryCreate(link, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return link;
        }

        return publicBaseUrl is { Length: > 0 } baseUrl && link.StartsWith('/') ? baseUrl.TrimEnd('/') + link : link;
    }
}
