using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using Xunit.Abstractions;

namespace SentimentWatch.Pipeline.Tests;

public sealed class MentionPipelineTests(ITestOutputHelper output)
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task Accepted_mentions_flow_into_the_Lucene_index_with_the_watches_they_match()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path);
        var refundZh = Mentions.Create("1", "绿莫咖啡申请退款三天了还没到账");
        var refundEn = Mentions.Create("2", "Lumo refunded me quickly, thanks to the support team");
        var weather = Mentions.Create("3", "今天天气不错，适合出去走走");
        var hiring = Mentions.Create("4", "Lumo is hiring baristas for the new store in Shanghai");
        var hiringZh = Mentions.Create("5", "绿莫上海新店hiring店员，待遇还不错，有兴趣的私信");

        var receipt = await host.Intake.AcceptAsync([refundZh, refundEn, weather, hiring, hiringZh], None);
        var counts = await host.WaitUntilSettledAsync(5);

        receipt.Accepted.ShouldBe(5);
        counts.Processed.ShouldBe(5);
        counts.Parked.ShouldBe(0);
        (await host.Index.GetAsync(refundZh.Id, None))!.Watches.ShouldBe(["refunds", "lumo"]);
        (await host.Index.GetAsync(refundEn.Id, None))!.Watches.ShouldBe(["refunds", "lumo"]);
        (await host.Index.GetAsync(weather.Id, None))!.Watches.ShouldBeEmpty();
        (await host.Index.GetAsync(hiring.Id, None))!.Watches.ShouldBe(["lumo", "jobs-en"]);
        (await host.Index.GetAsync(hiringZh.Id, None))!.Watches.ShouldBe(["lumo"], "jobs-en accepts English mentions only");
        (await host.Index.GetAsync(refundZh.Id, None))!.Language.ShouldBe(LanguageDetector.Chinese);
        (await host.Index.GetAsync(refundEn.Id, None))!.Language.ShouldBe(LanguageDetector.English);

        var found = await host.Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "退款" } }, None);
        found.Hits.Select(h => h.Mention.Id).ShouldBe([refundZh.Id]);

        var watched = await host.Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Watch = "refunds" } }, None);
        watched.Hits.Select(h => h.Mention.Id).ShouldBe([refundZh.Id, refundEn.Id], ignoreOrder: true);
        (await host.DocumentCountAsync()).ShouldBe(5);
    }

    [Fact]
    public async Task The_same_mention_accepted_twice_is_stored_and_indexed_once()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path);
        var first = Mentions.Create("10", "绿莫退款太慢了");
        var second = Mentions.Create("11", "绿莫的客服不理人");
        var third = Mentions.Create("12", "lumo refund still missing");

        var a = await host.Intake.AcceptAsync([first, second], None);
        var b = await host.Intake.AcceptAsync([first, second with { Text = "crawled again, edited" }, third, third], None);
        await host.WaitUntilSettledAsync(3);
        var c = await host.Intake.AcceptAsync([first], None);

        // A mention accepted after the repeat, once processed, shows the pipeline has looked past it.
        var marker = Mentions.Create("13", "lumo marker after the repeat");
        await host.Intake.AcceptAsync([marker], None);
        var counts = await host.WaitUntilSettledAsync(4);

        (a.Accepted, a.AlreadyKnown).ShouldBe((2, 0));
        (b.Accepted, b.AlreadyKnown).ShouldBe((1, 3));
        (c.Accepted, c.AlreadyKnown).ShouldBe((0, 1));
        counts.Processed.ShouldBe(4);
        counts.Pending.ShouldBe(0);
        (await host.DocumentCountAsync()).ShouldBe(4);
        (await host.Index.GetAsync(second.Id, None))!.Text.ShouldBe("绿莫的客服不理人");
    }

    [Fact]
    public async Task Without_a_scorer_mentions_are_stored_unscored_rather_than_with_an_invented_score()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path);
        var mentions = new[] { Mentions.Create("20", "绿莫退款太慢了"), Mentions.Create("21", "lumo is great") };

        await host.Intake.AcceptAsync(mentions, None);
        var counts = await host.WaitUntilSettledAsync(2);

        counts.Unscored.ShouldBe(2);
        foreach (var mention in mentions)
        {
            var indexed = (await host.Index.GetAsync(mention.Id, None))!;
            indexed.Sentiment.ShouldBeNull();
            indexed.ScoredBy.ShouldBeNull();
            indexed.Topic.ShouldBeNull();
        }

        var unscored = await host.Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Unscored = true } }, None);
        unscored.Total.ShouldBe(2);
    }

    [Fact]
    public async Task With_a_scorer_registered_mentions_are_stored_scored_with_its_model_version_using_the_KeywordScorer_test_double()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionScorer, KeywordScorer>());
        var complaint = Mentions.Create("25", "绿莫退款太慢了");
        var praise = Mentions.Create("26", "lumo latte is lovely");

        await host.Intake.AcceptAsync([complaint, praise], None);
        var counts = await host.WaitUntilSettledAsync(2);

        counts.Unscored.ShouldBe(0);
        var scored = (await host.Index.GetAsync(complaint.Id, None))!;
        scored.Sentiment!.Label.ShouldBe(SentimentLabel.Negative);
        scored.Topic!.Topic.ShouldBe(ComplaintTopics.RefundReturn);
        scored.ScoredBy.ShouldBe(KeywordScorer.Version);
        (await host.Index.GetAsync(praise.Id, None))!.Sentiment!.Label.ShouldBe(SentimentLabel.Positive);
    }

    [Fact]
    public async Task The_scorer_is_handed_each_mention_s_source_so_a_review_source_is_served_as_reviews_using_the_SourceRecordingScorer_test_double()
    {
        using var dir = new DataDirectory();
        var scorer = new SourceRecordingScorer();
        await using var host = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionScorer>(scorer));
        var review = Mentions.Create("29a", "绿莫的拿铁送到时已经凉了", source: "waimai");
        var post = Mentions.Create("29b", "绿莫的拿铁送到时已经凉了吗", source: "weibo");

        await host.Intake.AcceptAsync([review, post], None);
        await host.WaitUntilSettledAsync(2);

        scorer.Sources.ShouldContain("waimai");
        scorer.Sources.ShouldContain("weibo");
        (await host.Index.GetAsync(review.Id, None))!.Sentiment!.Label.ShouldBe(SentimentLabel.Negative);
        (await host.Index.GetAsync(post.Id, None))!.Sentiment!.Label.ShouldBe(SentimentLabel.Neutral);
    }

    [Fact]
    public async Task A_watch_with_its_own_taxonomy_gives_its_mentions_its_categories_and_other_watches_keep_the_default_using_the_KeywordScorer_and_LumoTaxonomy_test_doubles()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path, b =>
        {
            b.Services.AddSingleton<IMentionScorer, KeywordScorer>();
            b.Services.AddSingleton<IWatchTopicScorer, LumoTaxonomy>();
        });
        var lumo = Mentions.Create("27", "绿莫外卖送得太慢了，差评");
        var refunds = Mentions.Create("28", "退款太慢了");

        await host.Intake.AcceptAsync([lumo, refunds], None);
        await host.WaitUntilSettledAsync(2);

        (await host.Index.GetAsync(lumo.Id, None))!.Topic!.Topic.ShouldBe("delivery");
        (await host.Index.GetAsync(refunds.Id, None))!.Topic!.Topic.ShouldBe(ComplaintTopics.RefundReturn);
    }

    [Fact]
    public async Task Personal_data_is_redacted_before_the_mention_is_stored_or_indexed()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path);
        var mention = Mentions.Create(
            "30",
            "绿莫退款不到账，联系我 13812345678 或 zhang.san@example.com，身份证110105199003071239",
            author: "zhang.san@example.com") with { Title = "退款 call (415) 555-0132" };

        await host.Intake.AcceptAsync([mention], None);
        await host.WaitUntilSettledAsync(1);

        var indexed = (await host.Index.GetAsync(mention.Id, None))!;
        indexed.Text.ShouldBe("绿莫退款不到账，联系我 [phone] 或 [email]，身份证[id-number]");
        indexed.Title.ShouldBe("退款 call [phone]");
        indexed.Author.ShouldBe("[email]");
        (await host.Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "13812345678" } }, None)).Total.ShouldBe(0);
        var stored = await host.Ledger.ReadProcessedAsync(None).SingleAsync();
        stored.Text.ShouldBe(indexed.Text);
        stored.Author.ShouldBe("[email]");

        // The SQLite database and its write-ahead log, byte for byte: the raw number never reached the disk.
        var stateFiles = Directory.GetFiles(dir.Path, "state.db*");
        stateFiles.ShouldNotBeEmpty();
        var holdingRedactedText = 0;
        foreach (var file in stateFiles)
        {
            var bytes = await ReadSharedAsync(file);
            bytes.AsSpan().IndexOf("13812345678"u8).ShouldBe(-1, $"{file} holds the phone number");
            bytes.AsSpan().IndexOf("zhang.san@example.com"u8).ShouldBe(-1, $"{file} holds the e-mail address");
            bytes.AsSpan().IndexOf("110105199003071239"u8).ShouldBe(-1, $"{file} holds the ID number");
            holdingRedactedText += bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("联系我 [phone]")) >= 0 ? 1 : 0;
        }

        holdingRedactedText.ShouldBeGreaterThan(0, "the scan must look where the mention text is actually written");
    }

    [Fact]
    public async Task A_near_duplicate_repost_points_at_the_original_it_reposts()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path);
        const string text = "在绿莫咖啡买的拿铁喝出了异物，找客服申请退款三天了还没有任何回复，门店也不接电话，太失望了";
        var original = Mentions.Create("40", text);
        var repost = Mentions.Create("41", "转发：" + text, publishedAt: original.PublishedAt.AddHours(2));
        var unrelated = Mentions.Create("42", "绿莫新出的季节限定饮品味道一般，价格偏高，不过店员服务态度很好", publishedAt: original.PublishedAt.AddHours(3));
        var repostOfRepost = Mentions.Create("43", "转发：转发：" + text + " 😡", publishedAt: original.PublishedAt.AddHours(4));

        await host.Intake.AcceptAsync([original, repost, unrelated], None);
        await host.WaitUntilSettledAsync(3);
        await host.Intake.AcceptAsync([repostOfRepost], None);
        await host.WaitUntilSettledAsync(4);

        (await host.Index.GetAsync(repost.Id, None))!.DuplicateOf.ShouldBe(original.Id);
        (await host.Index.GetAsync(repostOfRepost.Id, None))!.DuplicateOf.ShouldBe(original.Id, "a repost of a repost points at the original");
        (await host.Index.GetAsync(original.Id, None))!.DuplicateOf.ShouldBeNull();
        (await host.Index.GetAsync(unrelated.Id, None))!.DuplicateOf.ShouldBeNull();
        (await host.DocumentCountAsync()).ShouldBe(4);
    }

    [Fact]
    public async Task After_a_restart_a_repost_points_at_the_original_the_ledger_seeded_from_its_id_or_its_own_original()
    {
        using var dir = new DataDirectory();
        const string complaint = "在绿莫咖啡买的拿铁喝出了异物，找客服申请退款三天了还没有任何回复，门店也不接电话，太失望了";
        const string delivery = "Lumo Coffee delivery took two hours and the drinks arrived cold and spilled, support never answered my emails";
        var now = DateTimeOffset.UtcNow;
        var original = Mentions.Create("60", complaint, publishedAt: now.AddHours(-3));

        // A delivery complaint published just over the near-duplicate window (7 days) ago, and its repost a day later.
        var oldOriginal = Mentions.Create("70", delivery, publishedAt: now.AddDays(-7).AddHours(-2));
        var oldRepost = Mentions.Create("71", "RT @lumo_fan: " + delivery, publishedAt: now.AddDays(-6));
        await using (var first = await PipelineHost.StartAsync(dir.Path))
        {
            await first.Intake.AcceptAsync([original, oldOriginal, oldRepost], None);
            await first.WaitUntilSettledAsync(3);
            (await first.Index.GetAsync(oldRepost.Id, None))!.DuplicateOf.ShouldBe(oldOriginal.Id);
        }

        // The second process knows them only from the ledger's seed, which starts 7 days before now: the old original is not
        // in it, its repost is, with the original it counts as.
        await using var second = await PipelineHost.StartAsync(dir.Path);
        var seeded = new List<string>();
        await foreach (var row in second.Ledger.ReadFingerprintsAsync(DateTimeOffset.UtcNow - TimeSpan.FromDays(7), None))
        {
            seeded.Add(row.Id);
        }

        seeded.ShouldBe([original.Id, oldRepost.Id], ignoreOrder: true);
        var repost = Mentions.Create("61", "转发：" + complaint, publishedAt: original.PublishedAt.AddHours(1));
        var repostOfOld = Mentions.Create("72", delivery + " 😡", publishedAt: now.AddDays(-5));
        await second.Intake.AcceptAsync([repost, repostOfOld], None);
        await second.WaitUntilSettledAsync(5);

        (await second.Index.GetAsync(repost.Id, None))!.DuplicateOf.ShouldBe(original.Id);
        (await second.Index.GetAsync(repostOfOld.Id, None))!.DuplicateOf.ShouldBe(oldOriginal.Id, "found through the repost, it points at the original");
        (await second.Index.GetAsync(original.Id, None))!.DuplicateOf.ShouldBeNull();
    }

    [Fact]
    public async Task A_mention_the_index_rejects_is_parked_with_its_reason_and_the_rest_flow_on_using_a_decorator_index_that_throws_on_a_marker()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path, PipelineHost.DecorateIndex(real => new MarkerRejectingIndex(real)));
        var good = Enumerable.Range(0, 6).Select(i => Mentions.Create($"5{i}", $"绿莫退款第{i}次投诉，编号{i}号门店")).ToList();
        var poison = Mentions.Create("59", "绿莫退款 " + MarkerRejectingIndex.Marker);

        await host.Intake.AcceptAsync([.. good.Take(3), poison, .. good.Skip(3)], None);
        var counts = await host.WaitUntilSettledAsync(7);

        counts.Processed.ShouldBe(6);
        counts.Parked.ShouldBe(1);
        var parked = (await host.Ledger.ListParkedAsync(10, None)).ShouldHaveSingleItem();
        parked.Id.ShouldBe(poison.Id);
        parked.Source.ShouldBe("weibo");
        parked.Reason.ShouldStartWith("indexing failed: InvalidOperationException");
        parked.Reason.ShouldContain("rejects mentions containing " + MarkerRejectingIndex.Marker);
        (await host.Index.GetAsync(poison.Id, None)).ShouldBeNull();
        foreach (var mention in good)
        {
            (await host.Index.GetAsync(mention.Id, None)).ShouldNotBeNull();
        }

        (await host.DocumentCountAsync()).ShouldBe(6);

        // A post like a parked one is not pointed at it (the parked mention is in no index to be found by); one like an indexed post is.
        const string complaint = "绿莫咖啡的外卖送到时已经完全凉了，杯子也洒了一半，客服电话一直打不通，申请退款三天了还没有任何回复，门店也不接电话，太失望了";
        var longPoison = Mentions.Create("60", complaint + " " + MarkerRejectingIndex.Marker);
        await host.Intake.AcceptAsync([longPoison], None);
        (await host.WaitUntilSettledAsync(8)).Parked.ShouldBe(2);
        var likeParked = Mentions.Create("61", complaint);
        var likeIndexed = Mentions.Create("62", good[0].Text + " 😡");
        await host.Intake.AcceptAsync([likeParked, likeIndexed], None);
        await host.WaitUntilSettledAsync(10);
        (await host.Index.GetAsync(likeParked.Id, None))!.DuplicateOf.ShouldBeNull();
        (await host.Index.GetAsync(likeIndexed.Id, None))!.DuplicateOf.ShouldBe(good[0].Id);
    }

    [Fact]
    public async Task A_batch_the_healthy_index_rejects_whole_is_parked_mention_by_mention_instead_of_holding_the_stage_using_a_decorator_index_that_throws_on_a_marker()
    {
        using var dir = new DataDirectory();
        await using var host = await PipelineHost.StartAsync(dir.Path, PipelineHost.DecorateIndex(real => new MarkerRejectingIndex(real)));
        // Only poison in one request on an idle pipeline: the batch holds nothing the index takes, yet the index is healthy.
        var poison = Enumerable.Range(0, 3).Select(i => Mentions.Create($"all-bad-{i}", $"绿莫退款 {i} " + MarkerRejectingIndex.Marker)).ToList();
        await host.Intake.AcceptAsync(poison, None);
        var counts = await host.WaitUntilSettledAsync(3);
        counts.Parked.ShouldBe(3);

        var good = Mentions.Create("after-all-bad", "绿莫退款还没到账");
        await host.Intake.AcceptAsync([good], None);
        counts = await host.WaitUntilSettledAsync(4);
        counts.Processed.ShouldBe(1);
        (await host.Index.GetAsync(good.Id, None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_mention_that_arrives_alone_during_an_index_outage_waits_for_the_index_and_is_not_parked_using_a_switchable_outage_index()
    {
        using var dir = new DataDirectory();
        SwitchableOutageIndex? outage = null;
        await using var host = await PipelineHost.StartAsync(dir.Path, PipelineHost.DecorateIndex(real => outage = new SwitchableOutageIndex(real)));
        outage.ShouldNotBeNull();
        outage.Down = true;
        var lone = Mentions.Create("during-outage", "绿莫退款三天还没到账");
        await host.Intake.AcceptAsync([lone], None);

        // MaxIndexAttempts is 1 here: before the fix, the first failure parked it.
        var waited = Stopwatch.StartNew();
        while (outage.FailedWrites < 3 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        outage.FailedWrites.ShouldBeGreaterThanOrEqualTo(3, "the pipeline keeps trying the index");
        var during = await host.Ledger.CountAsync(None);
        during.Parked.ShouldBe(0);
        during.Pending.ShouldBe(1);

        outage.Down = false;
        var counts = await host.WaitUntilSettledAsync(1);
        counts.Processed.ShouldBe(1);
        counts.Parked.ShouldBe(0);
        (await host.Index.GetAsync(lone.Id, None)).ShouldNotBeNull();
    }

    // An overloaded cluster refuses every write with 429 while its health stays green: that is the index's trouble, so a batch
    // waits for it and nothing is parked (after decision 249's first version, the healthy check parked each mention).
    [Fact]
    public async Task A_batch_an_overloaded_index_refuses_waits_for_it_and_is_not_parked_using_a_switchable_outage_index()
    {
        using var dir = new DataDirectory();
        SwitchableOutageIndex? outage = null;
        await using var host = await PipelineHost.StartAsync(dir.Path, PipelineHost.DecorateIndex(real => outage = new SwitchableOutageIndex(real)));
        outage.ShouldNotBeNull();
        outage.Overloaded = true;
        outage.Down = true;
        var mentions = Enumerable.Range(0, 3).Select(i => Mentions.Create($"overload-{i}", $"绿莫退款 {i} 还没到账")).ToList();
        await host.Intake.AcceptAsync(mentions, None);

        var waited = Stopwatch.StartNew();
        while (outage.FailedWrites < 8 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        outage.FailedWrites.ShouldBeGreaterThanOrEqualTo(8, "the pipeline keeps trying the index");
        (await host.Ledger.CountAsync(None)).Parked.ShouldBe(0);

        outage.Down = false;
        var counts = await host.WaitUntilSettledAsync(3);
        counts.Processed.ShouldBe(3);
        counts.Parked.ShouldBe(0);
    }

    [Fact]
    public async Task A_mention_an_observer_fails_on_is_parked_not_marked_processed_and_a_requeue_hands_it_to_the_observer_again_using_a_failing_observer()
    {
        using var dir = new DataDirectory();
        var seen = new ConcurrentDictionary<string, int>();
        var observer = new FailingObserver(seen);
        await using var host = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionObserver>(observer));
        var good = Enumerable.Range(0, 5).Select(i => Mentions.Create($"obs-{i}", $"绿莫退款第{i}次投诉，编号{i}号门店")).ToList();
        var poison = Mentions.Create("obs-poison", "绿莫退款 " + MarkerRejectingIndex.Marker);

        await host.Intake.AcceptAsync([.. good.Take(2), poison, .. good.Skip(2)], None);
        var counts = await host.WaitUntilSettledAsync(6);

        counts.Processed.ShouldBe(5);
        counts.Parked.ShouldBe(1);
        var parked = (await host.Ledger.ListParkedAsync(10, None)).ShouldHaveSingleItem();
        parked.Id.ShouldBe(poison.Id);
        parked.Reason.ShouldStartWith("observer FailingObserver failed: InvalidOperationException");
        (await host.Index.GetAsync(poison.Id, None)).ShouldNotBeNull("indexed before the observers: still searchable");
        seen.Keys.ShouldBe(good.Select(m => m.Id), ignoreOrder: true);

        // The cause fixed, the operator requeues it: the observer gets it, and it is processed.
        observer.RejectMarked = false;
        (await host.Ledger.RequeueAsync(poison.Id, None)).ShouldBeTrue();
        counts = await host.WaitUntilSettledAsync(6);
        counts.Processed.ShouldBe(6);
        counts.Parked.ShouldBe(0);
        seen[poison.Id].ShouldBe(1);
    }

    [Fact]
    public async Task An_observer_that_takes_none_of_a_batch_for_a_while_gets_the_batch_again_and_parks_nothing_using_a_failing_observer()
    {
        using var dir = new DataDirectory();
        var seen = new ConcurrentDictionary<string, int>();
        var observer = new FailingObserver(seen) { RejectAll = true };
        // Pauses of 1, 2 and 4 s before the observer's failures may park anything.
        await using var host = await PipelineHost.StartAsync(
            dir.Path,
            b => b.Services.AddSingleton<IMentionObserver>(observer),
            new Dictionary<string, string?> { ["Pipeline:IndexRetryDelay"] = "00:00:00.100" });
        var mentions = Enumerable.Range(0, 3).Select(i => Mentions.Create($"outage-{i}", $"绿莫退款 {i} 还没到账")).ToList();
        await host.Intake.AcceptAsync(mentions, None);

        var waited = Stopwatch.StartNew();
        while (observer.Failures < 6 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(20);
        }

        observer.Failures.ShouldBeGreaterThanOrEqualTo(6, "a round halves the batch of 3 down to its mentions (5 calls); a 6th is the batch handed again after a pause");
        var during = await host.Ledger.CountAsync(None);
        during.Processed.ShouldBe(0, "nothing an observer has not taken is marked processed");
        during.Parked.ShouldBe(0);

        observer.RejectAll = false;
        var counts = await host.WaitUntilSettledAsync(3);
        counts.Processed.ShouldBe(3);
        counts.Parked.ShouldBe(0);
        seen.Keys.ShouldBe(mentions.Select(m => m.Id), ignoreOrder: true);
    }

    [Fact]
    public async Task Stopping_the_host_loses_nothing_and_a_restart_processes_every_mention_exactly_once()
    {
        using var dir = new DataDirectory();
        var seen = new ConcurrentDictionary<string, int>();
        var mentions = Enumerable.Range(0, 240).Select(i => Mentions.Create($"drain-{i}", $"绿莫退款投诉 {i}: order {i * 7919} still not refunded")).ToList();

        var first = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionObserver>(new RecordingObserver(seen, TimeSpan.FromMilliseconds(200))));
        var chunks = mentions.Chunk(60).ToList();
        foreach (var chunk in chunks[..^1])
        {
            (await first.Intake.AcceptAsync(chunk, None)).Accepted.ShouldBe(chunk.Length);
        }

        // Stop once the pipeline is under way, so the stop cuts through it; the last chunk reaches the ledger only after
        // the stop (the intake is durable without the pipeline), so mentions are pending however fast the pipeline drains.
        var underWay = Stopwatch.StartNew();
        while (seen.IsEmpty && underWay.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(10);
        }

        await first.Host.StopAsync(None);
        (await first.Intake.AcceptAsync(chunks[^1], None)).Accepted.ShouldBe(chunks[^1].Length);
        var afterStop = await first.Ledger.CountAsync(None);
        var indexedBeforeRestart = await first.DocumentCountAsync();
        await first.DisposeAsync();
        output.WriteLine($"At stop: {afterStop.Processed} processed, {afterStop.Pending} pending; {indexedBeforeRestart} indexed");

        (afterStop.Processed + afterStop.Pending).ShouldBe(240);
        afterStop.Pending.ShouldBeGreaterThan(0, "the stop must leave mentions pending (the observer is slow), or the restart below proves nothing");
        afterStop.Parked.ShouldBe(0);
        seen.Count.ShouldBe((int)afterStop.Processed);
        indexedBeforeRestart.ShouldBeGreaterThanOrEqualTo(afterStop.Processed);

        await using var second = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionObserver>(new RecordingObserver(seen, TimeSpan.Zero)));
        var counts = await second.WaitUntilSettledAsync(240);

        counts.Processed.ShouldBe(240);
        counts.Parked.ShouldBe(0);
        (await second.DocumentCountAsync()).ShouldBe(240);
        seen.Count.ShouldBe(240);
        seen.Where(kv => kv.Value != 1).ShouldBeEmpty("every mention is observed exactly once across the stop and restart");
    }

    [Fact]
    public async Task The_rescorer_scores_previously_unscored_mentions_in_place_once_a_model_is_registered_using_the_KeywordScorer_test_double()
    {
        using var dir = new DataDirectory();
        var complaint = Mentions.Create("60", "绿莫退款太慢了");
        var praise = Mentions.Create("61", "lumo latte is lovely");
        var neutral = Mentions.Create("62", "路过绿莫门口");
        await using (var unscored = await PipelineHost.StartAsync(dir.Path))
        {
            await unscored.Intake.AcceptAsync([complaint, praise, neutral], None);
            (await unscored.WaitUntilSettledAsync(3)).Unscored.ShouldBe(3);
            (await unscored.DocumentCountAsync()).ShouldBe(3);
        }

        await using var scored = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionScorer, KeywordScorer>());
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await scored.Ledger.CountAsync(None)).Unscored > 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the rescorer did not finish in time");
            await Task.Delay(50);
        }

        var counts = await scored.Ledger.CountAsync(None);
        counts.Processed.ShouldBe(3);
        (await scored.DocumentCountAsync()).ShouldBe(3);
        var rescored = (await scored.Index.GetAsync(complaint.Id, None))!;
        rescored.Sentiment!.Label.ShouldBe(SentimentLabel.Negative);
        rescored.ScoredBy.ShouldBe(KeywordScorer.Version);
        rescored.Text.ShouldBe("绿莫退款太慢了");
        rescored.Watches.ShouldBe(["refunds", "lumo"]);
        (await scored.Index.GetAsync(praise.Id, None))!.Sentiment!.Label.ShouldBe(SentimentLabel.Positive);
        (await scored.Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Unscored = true } }, None)).Total.ShouldBe(0);
        (await scored.Ledger.ReadProcessedAsync(None).ToListAsync()).ShouldAllBe(m => m.ScoredBy == KeywordScorer.Version);
    }

    [Fact]
    public async Task The_rescorer_hands_the_scorer_each_mention_s_source_too_using_the_SourceRecordingScorer_test_double()
    {
        using var dir = new DataDirectory();
        var review = Mentions.Create("63", "绿莫的拿铁送到时已经凉了", source: "waimai");
        await using (var unscored = await PipelineHost.StartAsync(dir.Path))
        {
            await unscored.Intake.AcceptAsync([review], None);
            (await unscored.WaitUntilSettledAsync(1)).Unscored.ShouldBe(1);
        }

        var scorer = new SourceRecordingScorer();
        await using var scored = await PipelineHost.StartAsync(dir.Path, b => b.Services.AddSingleton<IMentionScorer>(scorer));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await scored.Ledger.CountAsync(None)).Unscored > 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the rescorer did not finish in time");
            await Task.Delay(50);
        }

        scorer.Sources.ShouldBe(["waimai"]);
        var rescored = (await scored.Index.GetAsync(review.Id, None))!;
        rescored.Sentiment!.Label.ShouldBe(SentimentLabel.Negative);
        rescored.ScoredBy.ShouldBe(SourceRecordingScorer.Version);
    }

    [Theory]
    [InlineData("Pipeline:BatchSize", "0", "Pipeline:BatchSize must be between 1 and 10000 (was 0)")]
    [InlineData("Pipeline:PollInterval", "00:00:00.001", "Pipeline:PollInterval")]
    [InlineData("Watches:0:Query", "(退款 OR refund", "Watches:0:Query '(退款 OR refund' is not a valid watch query: unclosed '(' at position 1")]
    [InlineData("Watches:1:Query", "绿莫 AND", "Watches:1:Query")]
    [InlineData("Watches:1:Id", "refunds", "Watches:1:Id 'refunds' is used by another watch")]
    [InlineData("Watches:2:Languages:0", "fr", "Watches:2:Languages")]
    [InlineData("Storage:BusyTimeout", "00:00:00", "Storage:BusyTimeout")]
    [InlineData("Storage:LedgerCacheMiB", "0", "Storage:LedgerCacheMiB must be between 1 and 4096 (was 0)")]
    [InlineData("Storage:CheckpointInterval", "00:00:00.010", "Storage:CheckpointInterval must be between 00:00:00.100 and 00:01:00 (was 00:00:00.0100000)")]
    public async Task Invalid_configuration_fails_the_start_with_a_message_naming_the_setting(string key, string value, string expected)
    {
        using var dir = new DataDirectory();
        using var host = PipelineHost.Build(dir.Path, settings: new Dictionary<string, string?> { [key] = value });

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(None));

        ex.Message.ShouldContain(expected);
    }

    [Fact]
    public async Task Every_invalid_setting_is_reported_at_once()
    {
        using var dir = new DataDirectory();
        using var host = PipelineHost.Build(dir.Path, settings: new Dictionary<string, string?>
        {
            ["Pipeline:BatchSize"] = "0",
            ["Pipeline:MaxIndexAttempts"] = "0",
        });

        var ex = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(None));

        ex.Message.ShouldContain("Pipeline:BatchSize");
        ex.Message.ShouldContain("Pipeline:MaxIndexAttempts");
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
