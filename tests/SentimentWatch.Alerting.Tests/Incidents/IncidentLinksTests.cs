using Microsoft.EntityFrameworkCore;
using SentimentWatch.Alerting.Tests.Support;
using SentimentWatch.Core.Incidents;

namespace SentimentWatch.Alerting.Tests.Incidents;

/// <summary>
/// The ports complaint cases consume (IAlertDirectory, IStaffNotifier) against the real SQLite
/// state file, real Hangfire delivery and a webhook receiver on 127.0.0.1.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class IncidentLinksTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        _data.Dispose();
    }

    private AlertingSettings Settings() => new AlertingSettings()
        .Rule("leaks", "riskTerms", "brand", ("Terms", "漏水"), ("MinCount", "2"), ("ClearFor", "00:05:00"))
        .Webhook("pr-hook", _receiver.Url("pr-hook"));

    [Fact]
    public async Task AlertDirectory_FindsTheOpenIncidentOfItsEvidenceMentions_AndForgetsItOnceResolved()
    {
        await using var host = await AlertingTestHost.StartAsync(_data.Path, Settings());
        var directory = host.App.Services.GetRequiredService<IAlertDirectory>();
        var leak1 = Mentions.Negative(host.Clock.GetUtcNow(), text: "门店漏水 again");
        var leak2 = Mentions.Negative(host.Clock.GetUtcNow(), text: "漏水 all over the floor");
        var unrelated = Mentions.Negative(host.Clock.GetUtcNow(), text: "slow service");
        await host.Desk.OnIndexedAsync([leak1, leak2, unrelated], default);
        (await _receiver.NextAsync()).Kind.ShouldBe("opened");

        var links = await directory.OpenAlertsForMentionsAsync([leak2.Id, "no-such-mention"], default);
        var link = links.ShouldHaveSingleItem();
        link.WatchId.ShouldBe("brand");
        link.Status.ShouldBe("firing");
        link.Severity.ShouldBe("warning");
        link.Title.ShouldContain("brand");
        (await directory.OpenAlertsForMentionsAsync([unrelated.Id], default)).ShouldBeEmpty("a mention that is not evidence of the incident");
        (await directory.OpenAlertsForMentionsAsync([], default)).ShouldBeEmpty();
        // Per mention in one question (complaint intake): only the evidence mentions, with their incident.
        var byMention = await directory.OpenAlertIdsByMentionAsync([leak1.Id, leak2.Id, unrelated.Id, "no-such-mention"], default);
        byMention.Keys.Order(StringComparer.Ordinal).ShouldBe(new[] { leak1.Id, leak2.Id }.Order(StringComparer.Ordinal));
        byMention[leak1.Id].ShouldBe([link.Id]);
        byMention[leak2.Id].ShouldBe([link.Id]);
        (await directory.FindAsync(link.Id, default))!.OpenedAt.ShouldBe(link.OpenedAt);
        (await directory.FindAsync(link.Id + 1000, default)).ShouldBeNull();

        await directory.RecordOnTimelineAsync(link.Id, "sam (support)", "the last complaint case of this incident was resolved", default);
        await directory.RecordOnTimelineAsync(link.Id + 1000, "sam", "lost line for an unknown alert", default);
        await using (var db = await host.DbAsync())
        {
            var line = await db.Timeline.SingleAsync(t => t.Kind == TimelineKinds.Note);
            line.AlertId.ShouldBe(link.Id);
            line.Actor.ShouldBe("sam (support)");
            line.At.ShouldBe(host.Clock.GetUtcNow());
        }

        await host.Desk.ResolveAsync(link.Id, "pat", default);
        (await _receiver.NextAsync()).Kind.ShouldBe("resolved");
        (await directory.OpenAlertsForMentionsAsync([leak1.Id, leak2.Id], default)).ShouldBeEmpty("resolved incidents are not open");
        (await directory.OpenAlertIdsByMentionAsync([leak1.Id, leak2.Id], default)).ShouldBeEmpty("resolved incidents are not open");
        (await directory.FindAsync(link.Id, default))!.Status.ShouldBe("resolved");
    }

    [Fact]
    public async Task StaffNotifier_SendsANoticeThroughTheChannelsOnce_EvenWhenCalledAgainWithTheSameDedupKey()
    {
        await using var host = await AlertingTestHost.StartAsync(_data.Path, Settings());
        var notifier = host.App.Services.GetRequiredService<IStaffNotifier>();
        var notice = new StaffNotice("case-12-sla-warning", "Case 12 is due in 1 h", "Refund complaint from weibo; first response due 17:00 UTC.", "/cases/12", ["alice", "bob@example.com"]);
        await notifier.NotifyAsync(notice, default);
        await notifier.NotifyAsync(notice, default);
        await notifier.NotifyAsync(notice with { DedupKey = "case-13-sla-warning", Title = "Case 13 is due in 1 h" }, default);

        // Hangfire delivers concurrently: order the two arrivals by title.
        var arrivals = new[] { await _receiver.NextAsync(), await _receiver.NextAsync() }.OrderBy(r => r.Json.GetProperty("headline").GetString(), StringComparer.Ordinal).ToArray();
        var (first, second) = (arrivals[0], arrivals[1]);
        first.Kind.ShouldBe("notice");
        first.Json.GetProperty("headline").GetString().ShouldBe("Case 12 is due in 1 h");
        first.Json.GetProperty("summary").GetString()!.ShouldContain("first response due");
        first.Json.GetProperty("alertLink").GetString().ShouldBe("https://watch.example.com/cases/12");
        first.Json.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).ShouldBe(["alice", "bob@example.com"]);
        second.Json.GetProperty("headline").GetString().ShouldBe("Case 13 is due in 1 h", "the repeat of case 12 was dropped, so the other arrival is case 13");
        (await _receiver.ShouldReceiveNothingMoreAsync(host, "the repeat of case 12 was dropped")).Count.ShouldBe(2);

        await Should.ThrowAsync<ArgumentException>(() => notifier.NotifyAsync(notice with { DedupKey = " " }, default));
    }

    [Fact]
    public async Task StaffNotifier_DeliversANoticeAcceptedBeforeARestartOnce_AndDropsItsRepeatAfterTheRestart()
    {
        var notice = new StaffNotice("step-7-overdue", "Holding statement overdue", "Incident 7: the holding statement was due at 09:00.", null, ["pr-lead"]);
        _receiver.FailNext = -1;
        await using (var host = await AlertingTestHost.StartAsync(_data.Path, Settings()))
        {
            await host.App.Services.GetRequiredService<IStaffNotifier>().NotifyAsync(notice, default);
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (_receiver.Requests == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            _receiver.Requests.ShouldBeGreaterThan(0, "the delivery was attempted (and refused)");
        }

        _receiver.FailNext = 0;
        await using (var host = await AlertingTestHost.StartAsync(_data.Path, Settings()))
        {
            var delivered = await _receiver.NextAsync();
            delivered.Json.GetProperty("headline").GetString().ShouldBe("Holding statement overdue");

            var notifier = host.App.Services.GetRequiredService<IStaffNotifier>();
            await notifier.NotifyAsync(notice, default);
            await notifier.NotifyAsync(notice with { DedupKey = "step-8-overdue", Title = "Root-cause statement overdue" }, default);
            (await _receiver.NextAsync()).Json.GetProperty("headline").GetString().ShouldBe("Root-cause statement overdue");
            (await _receiver.ShouldReceiveNothingMoreAsync(host, "the repeat after the restart was dropped")).Count.ShouldBe(2);
            _receiver.Received.Count(r => r.Json.GetProperty("headline").GetString() == "Holding statement overdue").ShouldBe(1);

            await using var db = await host.DbAsync();
            (await db.StaffNotices.CountAsync()).ShouldBe(2);
        }
    }
}
