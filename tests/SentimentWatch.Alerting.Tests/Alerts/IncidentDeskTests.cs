using System.Text;
using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Notifications;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Alerting.Tests.Alerts;

[Collection(HostCollection.Name)]
public sealed class IncidentDeskTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>
    /// A host whose "brand" watch has been watched for three hours (one quiet mention, then three hours of the
    /// clock), so its history spans the spike's baseline and cold start does not hold the rule back.
    /// </summary>
    private static async Task<AlertingTestHost> StartAsync(string dataDirectory, AlertingSettings settings)
    {
        var host = await AlertingTestHost.StartAsync(dataDirectory, settings);
        await host.Desk.OnIndexedAsync([Mentions.Neutral(host.Clock.GetUtcNow())], default);
        host.Clock.Advance(TimeSpan.FromHours(3));
        return host;
    }

    private Task<AlertingTestHost> StartAsync(AlertingSettings? settings = null) =>
        StartAsync(_data.Path, settings ?? new AlertingSettings().Spike().Webhook("pr-hook", _receiver.Url("pr-hook")));

    /// <summary>An hour of steady traffic: 5 negatives and 15 others per 10 minutes, one batch a minute.</summary>
    private static async Task SteadyHourAsync(AlertingTestHost host)
    {
        for (var minute = 0; minute < 60; minute++)
        {
            var batch = new List<Mention>();
            if (minute % 2 == 0)
            {
                batch.Add(Mentions.Negative(host.Clock.GetUtcNow()));
            }

            batch.Add(Mentions.Neutral(host.Clock.GetUtcNow()));
            batch.Add(Mentions.Positive(host.Clock.GetUtcNow()));
            if (minute % 2 == 1)
            {
                batch.Add(Mentions.Neutral(host.Clock.GetUtcNow()));
            }

            await host.Desk.OnIndexedAsync(batch, default);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>30 negative mentions within 10 minutes: six times the steady 5.</summary>
    private static readonly string[] BurstTexts = ["门店漏水，要求退款 refund", "漏水严重 leak everywhere", "又漏水了 refund please"];

    private static async Task BurstAsync(AlertingTestHost host, int minutes = 10, int perMinute = 3)
    {
        for (var minute = 0; minute < minutes; minute++)
        {
            var batch = Enumerable.Range(0, perMinute).Select(i => Mentions.Negative(host.Clock.GetUtcNow(), text: BurstTexts[i % BurstTexts.Length])).ToList();
            await host.Desk.OnIndexedAsync(batch, default);
            host.Clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    private static async Task<OutboxNotification> DeliveredRowAsync(AlertingTestHost host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var db = await host.DbAsync();
            var row = await db.Outbox.AsNoTracking().SingleAsync();
            if (row.DeliveredAt is not null || DateTime.UtcNow > deadline)
            {
                return row;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task SixfoldNegativeBurst_OpensOneAlertAndSendsOneSignedWebhookWithTheNumbers()
    {
        await using var host = await StartAsync();
        await SteadyHourAsync(host);
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "steady traffic must not alert")).ShouldBeEmpty();

        await BurstAsync(host);

        var webhook = await _receiver.NextAsync();
        webhook.Kind.ShouldBe("opened");
        var json = webhook.Json;
        json.GetProperty("ruleKind").GetString().ShouldBe("negativeSpike");
        json.GetProperty("watch").GetString().ShouldBe("brand");
        json.GetProperty("summary").GetString()!.ShouldContain("per 10 min in the 1 h before");
        json.GetProperty("topTerms").EnumerateArray().Select(t => t.GetString()).ShouldContain("漏水");
        json.GetProperty("samples").GetArrayLength().ShouldBe(3);
        json.GetProperty("samples")[0].GetProperty("url").GetString()!.ShouldStartWith("https://forum.example.com/t/");
        json.GetProperty("mentionsLink").GetString().ShouldBe($"https://watch.example.com/alerts/{json.GetProperty("alertId").GetInt64()}#mentions", "pr opens the alert page, not the analysts' search");
        json.GetProperty("alertLink").GetString().ShouldBe($"https://watch.example.com/alerts/{json.GetProperty("alertId").GetInt64()}");

        var timestamp = webhook.Headers[WebhookChannel.TimestampHeader];
        // Recomputed as a receiver would from docs/alerting.md, not with the code's own Sign:
        // HMAC-SHA256 with the secret over "<timestamp>.<raw body>", lower-case hex, "sha256=" prefix.
        using var hmac = new System.Security.Cryptography.HMACSHA256(Encoding.UTF8.GetBytes(AlertingSettings.Secret));
        var expected = "sha256=" + Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(timestamp + "." + Encoding.UTF8.GetString(webhook.Body)))).ToLowerInvariant();
        webhook.Headers[WebhookChannel.SignatureHeader].ShouldBe(expected);
        webhook.Headers[WebhookChannel.DeliveryHeader].ShouldBe(json.GetProperty("id").GetString());
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "one incident, one notification")).ShouldHaveSingleItem();

        await using var db = await host.DbAsync();
        var alert = await db.Alerts.SingleAsync();
        alert.Status.ShouldBe(AlertStatus.Firing);
        alert.IncidentKey.ShouldBe("brand");
    }

    [Fact]
    public async Task ContinuingBurst_UpdatesTheOpenAlertAndEndingItResolvesAfterTheQuietPeriodWithARecoveryNotice()
    {
        await using var host = await StartAsync();
        await SteadyHourAsync(host);
        await BurstAsync(host);
        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
        long countAfterFirstBurst;
        await using (var db = await host.DbAsync())
        {
            countAfterFirstBurst = (await db.Alerts.SingleAsync()).EvidenceCount;
        }

        await BurstAsync(host, minutes: 5, perMinute: 5);
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "a continuing burst within the cool-down is not re-announced")).ShouldHaveSingleItem();
        await using (var db = await host.DbAsync())
        {
            var alert = await db.Alerts.SingleAsync();
            alert.EvidenceCount.ShouldBeGreaterThan((int)countAfterFirstBurst);
        }

        // Burst over: quiet minutes. The condition clears; 15 minutes of quiet resolve it.
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        await host.Desk.EvaluateAllAsync(default);
        await using (var db = await host.DbAsync())
        {
            var alert = await db.Alerts.SingleAsync();
            alert.Status.ShouldBe(AlertStatus.Firing, "hysteresis: clear, but not yet for 15 minutes");
            alert.ClearSince.ShouldNotBeNull();
        }

        host.Clock.Advance(TimeSpan.FromMinutes(16));
        await host.Desk.EvaluateAllAsync(default);

        var recovery = await _receiver.NextAsync();
        recovery.Kind.ShouldBe("resolved");
        recovery.Json.GetProperty("resolvedBy").GetString().ShouldBe("auto");
        await using (var db = await host.DbAsync())
        {
            (await db.Alerts.SingleAsync()).Status.ShouldBe(AlertStatus.Resolved);
        }
    }

    [Fact]
    public async Task IncidentResolvedByHandWhileStillGoing_IsNotReopenedUntilItHasClearedOnce()
    {
        await using var host = await StartAsync();
        await BurstAsync(host, minutes: 2, perMinute: 5);
        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
        long first;
        await using (var db = await host.DbAsync())
        {
            first = (await db.Alerts.SingleAsync()).Id;
        }

        await host.Desk.ResolveAsync(first, "li.na", default);
        (await _receiver.NextAsync()).Kind.ShouldBe("resolved");

        // Still going (11 negatives, still warning): the same incident, already handled.
        await BurstAsync(host, minutes: 1, perMinute: 1);
        await host.Desk.EvaluateAllAsync(default);
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "the same incident, already handled")).Select(r => r.Kind).ShouldBe([NotificationKind.Opened, NotificationKind.Resolved]);

        host.Clock.Advance(TimeSpan.FromMinutes(30));
        await host.Desk.EvaluateAllAsync(default);
        await BurstAsync(host, minutes: 2, perMinute: 5);

        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
        await using (var db = await host.DbAsync())
        {
            (await db.Alerts.CountAsync()).ShouldBe(2);
        }
    }

    [Fact]
    public async Task RedeliveredBatches_CountNothingTwice()
    {
        await using var host = await StartAsync();
        var batch = Enumerable.Range(0, 12).Select(_ => Mentions.Negative(host.Clock.GetUtcNow())).ToList();

        await host.Desk.OnIndexedAsync(batch, default);
        await host.Desk.OnIndexedAsync(batch, default);
        await host.Desk.OnIndexedAsync(batch.Take(6).ToList(), default);

        await using var db = await host.DbAsync();
        (await db.Evidence.CountAsync()).ShouldBe(12 + 1, "the 12 and the quiet mention from three hours ago");
        (await db.Alerts.SingleAsync()).EvidenceCount.ShouldBe(12);
        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "redelivered batches open nothing more")).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task SilencedWatch_RecordsTheAlertButSendsNothingUntilTheSilenceEnds()
    {
        await using var host = await StartAsync();
        await host.Desk.SilenceAsync(new AlertSilence { WatchId = "brand", RuleId = "spike", Until = host.Clock.GetUtcNow().AddMinutes(30), Reason = "press event" }, default);

        await BurstAsync(host, minutes: 5);
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "the watch is silenced")).ShouldBeEmpty();
        await using (var db = await host.DbAsync())
        {
            (await db.Alerts.SingleAsync()).NotificationCount.ShouldBe(0);
        }

        host.Clock.Advance(TimeSpan.FromMinutes(30));
        await BurstAsync(host, minutes: 5);
        (await _receiver.NextAsync()).Kind.ShouldBe("opened");
    }

    [Fact]
    public async Task EscalationToAHigherSeverity_IsAnnouncedAtOnce()
    {
        await using var host = await StartAsync();
        await BurstAsync(host, minutes: 2, perMinute: 5);
        var opened = await _receiver.NextAsync();
        opened.Json.GetProperty("severity").GetString().ShouldBe("warning");

        // 10 from an empty baseline is 10x; 12x (EscalateAt 4 x Ratio 3) and more is critical.
        await BurstAsync(host, minutes: 2, perMinute: 20);
        var escalated = await _receiver.NextAsync();
        escalated.Kind.ShouldBe("escalated");
        escalated.Json.GetProperty("severity").GetString().ShouldBe("critical");
    }

    [Fact]
    public async Task ManySeparateIncidentsRaisedBackToBack_AreEachDeliveredExactlyOnce()
    {
        // What the latency figure (`bench delivery`) rests on, without its clock: every incident's webhook arrives, once.
        const int Incidents = 40;
        var settings = new AlertingSettings().Rule("loud", "influencer", "*", ("MinReach", "100000")).Webhook("pr-hook", _receiver.Url("pr-hook"));
        await using var host = await AlertingTestHost.StartAsync(_data.Path, settings);
        var mentions = Enumerable.Range(0, Incidents).Select(i => Mentions.Negative(host.Clock.GetUtcNow(), watch: $"w{i:D2}", reach: 200_000)).ToList();

        foreach (var mention in mentions)
        {
            await host.Desk.OnIndexedAsync([mention], default);
        }

        var arrived = new List<string>();
        for (var i = 0; i < Incidents; i++)
        {
            arrived.Add((await _receiver.NextAsync()).Json.GetProperty("samples")[0].GetProperty("mentionId").GetString()!);
        }

        arrived.Order(StringComparer.Ordinal).ShouldBe(mentions.Select(m => m.Id).Order(StringComparer.Ordinal));
        var rows = await _receiver.ShouldReceiveNothingMoreAsync(host, "one notification per incident");
        rows.Count.ShouldBe(Incidents);
        rows.ShouldAllBe(r => r.Attempts == 1 && r.Kind == NotificationKind.Opened);
    }

    [Fact]
    public async Task ChannelAnswering500_IsRetriedUntilItSucceedsAndDeliveredOnce()
    {
        _receiver.FailNext = 2;
        await using var host = await StartAsync();

        await BurstAsync(host, minutes: 1, perMinute: 12);

        var webhook = await _receiver.NextAsync(TimeSpan.FromSeconds(30));
        webhook.Kind.ShouldBe("opened");
        _receiver.Requests.ShouldBe(3);
        var row = await DeliveredRowAsync(host);
        row.Attempts.ShouldBe(3);
        row.DeliveredAt.ShouldNotBeNull();
        row.LastError.ShouldBeNull();
    }

    [Fact]
    public async Task UndeliveredNotification_SurvivesARestartAndIsDeliveredExactlyOnce()
    {
        _receiver.FailNext = -1;
        await using (var first = await StartAsync())
        {
            await BurstAsync(first, minutes: 1, perMinute: 12);

            // The positive signal: the channel was tried (and answered 500), and the row says so.
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (_receiver.Requests == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            _receiver.Requests.ShouldBeGreaterThan(0, "the first service must have tried the channel");
            _receiver.Received.ShouldBeEmpty();
            await using var db = await first.DbAsync();
            var failed = await db.Outbox.AsNoTracking().SingleAsync();
            failed.DeliveredAt.ShouldBeNull();
        }

        _receiver.FailNext = 0;
        await using (var second = await StartAsync())
        {
            var webhook = await _receiver.NextAsync();
            webhook.Kind.ShouldBe("opened");
            var delivered = await DeliveredRowAsync(second);
            delivered.DeliveredAt.ShouldNotBeNull();
            delivered.Attempts.ShouldBeGreaterThan(1, "the attempt that failed before the restart counts");
        }

        await using (var third = await StartAsync())
        {
            // Start-up hands unfinished rows to Hangfire before the host has started; once those jobs are done, nothing more can come.
            (await _receiver.ShouldReceiveNothingMoreAsync(third, "a delivered notification is never sent again")).ShouldHaveSingleItem().DeliveredAt.ShouldNotBeNull();
        }

        _receiver.Received.Count.ShouldBe(1);
    }

    // A process killed while it was sending leaves the row claimed (its lease) and undelivered. The job the restart hands it to
    // must not report it done: it fails, so Hangfire tries again, and once the claim lapses the notice is sent (decision 250).
    // The row is a copy of the incident's own, made here and handed to no job, so no Hangfire retry of the original can touch it.
    [Fact]
    public async Task ANotificationClaimedByAnAttemptThatNeverFinished_IsNotReportedDone_AndIsSentOnceTheClaimLapses()
    {
        _receiver.FailNext = -1;
        await using var host = await StartAsync();
        await BurstAsync(host, minutes: 1, perMinute: 12);
        var now = host.Clock.GetUtcNow();
        var id = await CopyOfTheOpeningAsync(host, "killed-mid-send", enqueuedAt: now, leaseUntil: now + NotificationDelivery.Lease);
        var delivery = host.App.Services.GetRequiredService<NotificationDelivery>();
        await using var db = await host.DbAsync();

        await Should.ThrowAsync<NotificationLeasedException>(() => delivery.DeliverAsync(id, CancellationToken.None));
        (await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == id)).DeliveredAt.ShouldBeNull();

        _receiver.FailNext = 0;
        host.Clock.Advance(NotificationDelivery.Lease + TimeSpan.FromSeconds(1));
        await delivery.DeliverAsync(id, CancellationToken.None);
        (await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == id)).DeliveredAt.ShouldNotBeNull();
    }

    // A job that gave up after its retries (a channel down overnight) leaves the row undelivered and handed over: the tick hands
    // it over again once its retries are long over, not while they may still run.
    [Fact]
    public async Task AnUndeliveredNotificationWhoseJobGaveUp_IsHandedOverAgainAfterItsRetriesNotDuringThem()
    {
        _receiver.FailNext = -1;
        await using var host = await StartAsync();
        await BurstAsync(host, minutes: 1, perMinute: 12);
        var now = host.Clock.GetUtcNow();
        var outbox = host.App.Services.GetRequiredService<NotificationOutbox>();

        var recent = await CopyOfTheOpeningAsync(host, "retries-running", enqueuedAt: now - TimeSpan.FromHours(1), leaseUntil: null);
        (await outbox.HandOverUnfinishedAsync(includeEnqueued: false, CancellationToken.None)).ShouldBe(0, "an hour after its hand-over its retries may still be running");

        await using var db = await host.DbAsync();
        await db.Outbox.Where(o => o.Id == recent).ExecuteUpdateAsync(s => s.SetProperty(o => o.EnqueuedAt, now - NotificationOutbox.HandAgainAfter - TimeSpan.FromMinutes(1)));
        _receiver.FailNext = 0;
        (await outbox.HandOverUnfinishedAsync(includeEnqueued: false, CancellationToken.None)).ShouldBe(1);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == recent)).DeliveredAt is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        (await db.Outbox.AsNoTracking().SingleAsync(o => o.Id == recent)).DeliveredAt.ShouldNotBeNull("handed over again, its job delivered it");
    }

    /// <summary>A new outbox row with the incident's opening as its payload, as a given state of the outbox left it.</summary>
    private static async Task<long> CopyOfTheOpeningAsync(AlertingTestHost host, string key, DateTimeOffset enqueuedAt, DateTimeOffset? leaseUntil)
    {
        await using var db = await host.DbAsync();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        OutboxNotification? opening;
        while ((opening = await db.Outbox.AsNoTracking().FirstOrDefaultAsync()) is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        opening.ShouldNotBeNull();
        var copy = new OutboxNotification
        {
            IdempotencyKey = key, AlertId = opening.AlertId, Channel = opening.Channel, Kind = opening.Kind, Payload = opening.Payload,
            CreatedAt = opening.CreatedAt, EnqueuedAt = enqueuedAt, LeaseUntil = leaseUntil, Attempts = 1,
        };
        db.Outbox.Add(copy);
        await db.SaveChangesAsync();
        return copy.Id;
    }

    /// <summary>Crawl health comes from the crawling capability; this fake returns what the test sets.</summary>
    private sealed class SettableSourceHealthFake : Core.Crawling.ISourceHealthReader
    {
        public List<Core.Crawling.SourceHealth> Sources { get; set; } = [];

        public Task<IReadOnlyList<Core.Crawling.SourceHealth>> ListAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<Core.Crawling.SourceHealth>>(Sources);
    }

    [Fact]
    public async Task SilentSource_WithAFakeHealthReader_AlertsOnTheTickAndResolvesWhenItSpeaksAgain()
    {
        var health = new SettableSourceHealthFake();
        var settings = new AlertingSettings()
            .Rule("silent", "sourceSilent", "*", ("Window", "02:00:00"), ("MinCount", "3"), ("ClearFor", "00:05:00"))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        await using var host = await AlertingTestHost.StartAsync(_data.Path, settings, services: s => s.AddSingleton<Core.Crawling.ISourceHealthReader>(health));
        health.Sources = [new Core.Crawling.SourceHealth { SourceId = "weibo", Kind = "json", LastMentionAt = host.Clock.GetUtcNow().AddHours(-3) }];

        await host.Desk.EvaluateAllAsync(default);

        var opened = await _receiver.NextAsync();
        opened.Kind.ShouldBe("opened");
        opened.Json.GetProperty("ruleKind").GetString().ShouldBe("sourceSilent");
        opened.Json.GetProperty("group").GetString().ShouldBe("weibo");

        health.Sources = [new Core.Crawling.SourceHealth { SourceId = "weibo", Kind = "json", LastMentionAt = host.Clock.GetUtcNow() }];
        await host.Desk.EvaluateAllAsync(default);
        host.Clock.Advance(TimeSpan.FromMinutes(6));
        await host.Desk.EvaluateAllAsync(default);

        (await _receiver.NextAsync()).Kind.ShouldBe("resolved");
    }

    [Fact]
    public async Task EmailChannel_SendsTheAlertThroughSmtpWithTheReasonsInTheBody()
    {
        using var smtp = new SmtpSink();
        var settings = new AlertingSettings().Spike();
        settings["Alerting:Delivery:Email:Host"] = "127.0.0.1";
        settings["Alerting:Delivery:Email:Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Alerting:Delivery:Email:Security"] = "None";
        settings["Alerting:Delivery:Email:UserName"] = "alerts";
        settings["Alerting:Delivery:Email:Password"] = "secret";
        settings["Alerting:Delivery:Email:From"] = "alerts@example.com";
        settings["Alerting:Delivery:Email:To:0"] = "pr-team@example.com";
        await using var host = await StartAsync(_data.Path, settings);

        await BurstAsync(host, minutes: 1, perMinute: 12);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (smtp.Messages.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var mail = smtp.Messages.ShouldHaveSingleItem();
        mail.From.ShouldBe("alerts@example.com");
        mail.To.ShouldBe(["pr-team@example.com"]);
        mail.User.ShouldBe("alerts");
        var message = MimeKit.MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(mail.Data)));
        message.Subject.ShouldBe("[CRITICAL] brand: negative surge", "12 from an empty baseline is 12x, EscalateAt 4 x Ratio 3");
        message.MessageId.ShouldStartWith("alert-1-1-email");
        message.TextBody!.ShouldContain("12 negative mentions in the last 10 min");
        message.TextBody!.ShouldContain("漏水");
        message.TextBody!.ShouldContain("https://forum.example.com/t/");
        message.TextBody!.ShouldContain("All posts: https://watch.example.com/alerts/1#mentions");
    }

    [Fact]
    public async Task HourOfWeekSpike_WithAFakeClock_IgnoresTheFifthMondaySurgeButAlertsOnOneAtAnUnusualHour()
    {
        // The clock starts Monday 07:50; the four weeks before each had a Monday 07:50-08:00 surge.
        var monday = AlertingTestHost.Start.AddMinutes(-10);
        var clock = new ManualClock(monday);
        var settings = new AlertingSettings()
            .Rule("weekly", "negativeSpike", "brand", ("Baseline", "hourOfWeek"), ("BaselineWeeks", "4"), ("MinZ", "3"), ("MinCount", "10"), ("Window", "00:10:00"))
            .Webhook("pr-hook", _receiver.Url("pr-hook"));
        settings["Alerting:EvidenceRetention"] = "29.00:00:00";
        await using var host = await AlertingTestHost.StartAsync(_data.Path, settings, clock);
        var history = new List<Mention>();
        for (var hours = 3; hours <= 24 * 28; hours += 3)
        {
            history.Add(Mentions.Negative(monday.AddHours(-hours).AddMinutes(-25)));
        }

        for (var week = 1; week <= 4; week++)
        {
            history.AddRange(Enumerable.Range(0, 28 + week).Select(i => Mentions.Negative(monday.AddDays(-7 * week).AddSeconds(10 + (i * 19)))));
        }

        await host.Desk.OnIndexedAsync(history, default);

        await BurstAsync(host, minutes: 10, perMinute: 3);
        await host.Desk.EvaluateAllAsync(default);

        (await _receiver.ShouldReceiveNothingMoreAsync(host, "Monday 08:00 has 30 negatives every week")).ShouldBeEmpty();
        await using (var db = await host.DbAsync())
        {
            (await db.Alerts.CountAsync()).ShouldBe(0);
        }

        // Wednesday 03:00: the same surge where previous weeks had at most a stray negative.
        clock.Advance(TimeSpan.FromHours(43));
        await BurstAsync(host, minutes: 10, perMinute: 3);

        var opened = await _receiver.NextAsync();
        opened.Kind.ShouldBe("opened");
        opened.Json.GetProperty("rule").GetString().ShouldBe("weekly");
        await using (var db = await host.DbAsync())
        {
            var alert = await db.Alerts.SingleAsync();
            alert.Summary.ShouldContain("in the same 10 min of the week over the 4 weeks before");
        }
    }
}
