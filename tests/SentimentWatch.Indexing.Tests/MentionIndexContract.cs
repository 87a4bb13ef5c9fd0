using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Tests;

/// <summary>
/// What every mention index engine must do, run once per engine (Lucene on disk, Elasticsearch):
/// the same cases, the same expectations.
/// </summary>
public abstract class MentionIndexContract : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected IMentionIndex Index { get; private set; } = null!;

    protected abstract Task<IMentionIndex> OpenIndexAsync();

    protected virtual Task CloseIndexAsync(IMentionIndex index)
    {
        (index as IDisposable)?.Dispose();
        return Task.CompletedTask;
    }

    public async Task InitializeAsync() => Index = await OpenIndexAsync();

    public Task DisposeAsync() => CloseIndexAsync(Index);

    private static readonly Mention[] Corpus =
    [
        TestMentions.Create("zh-refund-slow", "申请退款两周了还没到账，客服一直说在处理", TestMentions.Epoch.AddHours(1), "weibo", "小王", SentimentLabel.Negative, ComplaintTopics.RefundReturn, 5_000, ["brand"], "zh"),
        TestMentions.Create("zh-service", "客服态度很好，问题很快解决了", TestMentions.Epoch.AddHours(2), "weibo", "小李", SentimentLabel.Positive, ComplaintTopics.ServiceAttitude, 200, ["brand"], "zh"),
        TestMentions.Create("zh-logistics", "快递太慢了，等了一个星期", TestMentions.Epoch.AddDays(1), "tieba", "小王", SentimentLabel.Negative, ComplaintTopics.Logistics, 50, ["brand"], "zh"),
        TestMentions.Create("en-refunds", "Still waiting for my refunds after three weeks, support keeps stalling", TestMentions.Epoch.AddDays(1).AddHours(3), "reddit", "jane", SentimentLabel.Negative, ComplaintTopics.RefundReturn, 12_000, ["brand"], "en"),
        TestMentions.Create("en-refund-fast", "Refund arrived quickly, great support team", TestMentions.Epoch.AddDays(2), "reddit", "bob", SentimentLabel.Positive, ComplaintTopics.RefundReturn, 300, ["brand", "support"], "en"),
        TestMentions.Create("en-battery", "The battery died after a day; the charger runs hot", TestMentions.Epoch.AddDays(3), "forum", "jane", SentimentLabel.Negative, ComplaintTopics.ProductQuality, 80, ["brand"], "en"),
        TestMentions.Create("mixed", "买的 phone 要退款 refund please，客服 no reply", TestMentions.Epoch.AddDays(3).AddHours(5), "forum", "amy", null, null, 10, [], "mixed"),
    ];

    protected async Task SeedAsync() => await Index.UpsertAsync(Corpus, None);

    protected async Task<string[]> IdsAsync(MentionFilter filter, MentionSort sort = MentionSort.Relevance)
    {
        var result = await Index.SearchAsync(new MentionSearch { Filter = filter, Sort = sort, Size = 100, Highlight = false }, None);
        return [.. result.Hits.Select(hit => hit.Mention.Id)];
    }

    [ContractFact]
    public async Task AnAnalystsCorrection_IsTheLabelFiltersAndStatsRead_AndTheModelsLabelStays()
    {
        await SeedAsync();
        var original = (await Index.GetAsync("zh-logistics", None))!;
        var at = TestMentions.Epoch.AddDays(5);

        await Index.UpsertAsync([original with { Correction = new LabelCorrection(SentimentLabel.Neutral, ComplaintTopics.PriceBilling, "ana", at) }], None);

        (await IdsAsync(new MentionFilter { Sentiment = SentimentLabel.Neutral })).ShouldBe(["zh-logistics"]);
        (await IdsAsync(new MentionFilter { Topic = ComplaintTopics.Logistics })).ShouldBeEmpty();
        (await IdsAsync(new MentionFilter { Topic = ComplaintTopics.PriceBilling })).ShouldBe(["zh-logistics"]);
        var stats = await Index.StatsAsync(new MentionStatsRequest { GroupBy = MentionGroupBy.Sentiment, Interval = StatsInterval.Week }, None);
        stats.Histogram.Sum(b => b.Groups.GetValueOrDefault("neutral")).ShouldBe(1);
        var stored = (await Index.GetAsync("zh-logistics", None))!;
        stored.Sentiment!.Label.ShouldBe(SentimentLabel.Negative);
        stored.Topic!.Topic.ShouldBe(ComplaintTopics.Logistics);
        stored.Correction.ShouldBe(new LabelCorrection(SentimentLabel.Neutral, ComplaintTopics.PriceBilling, "ana", at));
    }

    [ContractFact]
    public async Task ChineseTwoCharacterWordFindsExactlyTheMentionsContainingIt()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "退款" })).ShouldBe(["zh-refund-slow", "mixed"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "客服" })).ShouldBe(["zh-refund-slow", "zh-service", "mixed"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "快递" })).ShouldBe(["zh-logistics"]);
    }

    [ContractFact]
    public async Task ChineseWordsThatAreNotAdjacentInTheTextDoNotMatchALongerWord()
    {
        await SeedAsync();

        // 款客 spans two words in no mention; a bigram index must not match it by its characters.
        (await IdsAsync(new MentionFilter { Query = "款客" })).ShouldBeEmpty();
        (await IdsAsync(new MentionFilter { Query = "退款两周" })).ShouldBe(["zh-refund-slow"]);
    }

    [ContractFact]
    public async Task AChineseWordMatchesOnlyWhereItsCharactersFollowEachOther()
    {
        // Every bigram of 退款到账 (退款, 款到, 到账) occurs in "apart", but never as one run.
        await Index.UpsertAsync(
            [
                TestMentions.Create("together", "退款到账很快"),
                TestMentions.Create("apart", "退款申请了，款到了也没到账"),
            ],
            None);

        (await IdsAsync(new MentionFilter { Query = "退款到账" })).ShouldBe(["together"]);
        (await IdsAsync(new MentionFilter { Query = "退款 到账" })).ShouldBe(["together", "apart"], ignoreOrder: true);
    }

    [ContractFact]
    public async Task EnglishWordFindsItsInflectionsAndRanksTheExactFormFirst()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "refund" })).ShouldBe(["en-refunds", "en-refund-fast", "mixed"], ignoreOrder: true);
        var refunds = await IdsAsync(new MentionFilter { Query = "refunds" });
        refunds.ShouldBe(["en-refunds", "en-refund-fast", "mixed"], ignoreOrder: true);
        refunds[0].ShouldBe("en-refunds");
    }

    [ContractFact]
    public async Task EnglishStopWordsAloneMatchNothing()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "refund AND the" })).ShouldBe(["en-refunds", "en-refund-fast", "mixed"], ignoreOrder: true);
    }

    [ContractFact]
    public async Task MixedChineseAndEnglishQueryNeedsBothWords()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "退款 refund" })).ShouldBe(["mixed"]);
        (await IdsAsync(new MentionFilter { Query = "客服 phone" })).ShouldBe(["mixed"]);
    }

    [ContractFact]
    public async Task BooleanOperatorsAndQuotedPhrasesWork()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "refund NOT support" })).ShouldBe(["mixed"]);
        (await IdsAsync(new MentionFilter { Query = "battery OR 快递" })).ShouldBe(["en-battery", "zh-logistics"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "\"great support\"" })).ShouldBe(["en-refund-fast"]);
        (await IdsAsync(new MentionFilter { Query = "\"support great\"" })).ShouldBeEmpty();
        (await IdsAsync(new MentionFilter { Query = "refund AND source:reddit" })).ShouldBe(["en-refunds", "en-refund-fast"], ignoreOrder: true);
    }

    [ContractFact]
    public async Task TrailingWildcardsMatchWordStartsWhateverTheCase()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "Refun*" })).ShouldBe(["en-refunds", "en-refund-fast", "mixed"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "batt* AND charg?r" })).ShouldBe(["en-battery"]);
    }

    /// <summary>
    /// Decision 254: an unclosed quote used to make the whole query escaped, so <c>-spam</c> became a required word and the
    /// analyst got exactly what they excluded. Now only the stray quote is a character.
    /// </summary>
    [ContractFact]
    public async Task AnUnclosedQuote_KeepsTheOtherOperators()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "refund -support \"please" })).ShouldBe(["mixed"]);
        (await IdsAsync(new MentionFilter { Query = "refund -support \"" })).ShouldBe(["mixed"]);
    }

    /// <summary>
    /// Decision 254: <c>/…/</c> is not a regular expression (one pattern can build an automaton of millions of states), a
    /// pasted URL is searched as its words, and a name that is not a field (<c>reach:</c>, <c>https:</c>) is a word too,
    /// where Elasticsearch answered a 500 and Lucene nothing.
    /// </summary>
    [ContractFact]
    public async Task SlashesAndUnknownFieldsAreWords_NotRegularExpressionsOrFields()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "/[ab]*a[ab]{24}/" })).ShouldBeEmpty();
        (await IdsAsync(new MentionFilter { Query = "battery https://example.com/charger" })).ShouldBeEmpty("example and com are not in the post");
        (await IdsAsync(new MentionFilter { Query = "battery runs/hot" })).ShouldBe(["en-battery"]);
        (await IdsAsync(new MentionFilter { Query = "reach:battery" })).ShouldBeEmpty("reach is not a field: the words reach and battery");
        (await IdsAsync(new MentionFilter { Query = "\"battery reach:abc" })).ShouldBeEmpty("after a stray quote too");
        (await IdsAsync(new MentionFilter { Query = "\"battery /[ab]*a[ab]{24}/" })).ShouldBeEmpty();
    }

    /// <summary>Keyword fields keep their case in a wildcard, as Elasticsearch's do (Lucene lower-cased the term and found nothing).</summary>
    [ContractFact]
    public async Task AWildcardOnAKeywordFieldKeepsItsCase()
    {
        await Index.UpsertAsync([TestMentions.Create("zoe", "great latte", TestMentions.Epoch, "forum", "Zoë", SentimentLabel.Positive, null, 10, ["brand"], "en")], None);

        (await IdsAsync(new MentionFilter { Query = "author:Zoë*" })).ShouldBe(["zoe"]);
        (await IdsAsync(new MentionFilter { Query = "author:Zo*" })).ShouldBe(["zoe"]);
        (await IdsAsync(new MentionFilter { Query = "LAT*" })).ShouldBe(["zoe"]);
    }

    [ContractFact]
    public async Task FieldQueriesAddressTheKeywordFields()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Query = "watch:support" })).ShouldBe(["en-refund-fast"]);
        (await IdsAsync(new MentionFilter { Query = "sentiment:positive AND author:bob" })).ShouldBe(["en-refund-fast"]);
        (await IdsAsync(new MentionFilter { Query = "topic:logistics OR language:mixed" })).ShouldBe(["zh-logistics", "mixed"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "source:weibo -退款" })).ShouldBe(["zh-service"]);
    }

    [ContractFact]
    public async Task EveryFilterNarrowsTheResult()
    {
        await SeedAsync();

        (await IdsAsync(new MentionFilter { Source = "weibo" })).ShouldBe(["zh-refund-slow", "zh-service"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Author = "jane" })).ShouldBe(["en-refunds", "en-battery"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Sentiment = SentimentLabel.Positive })).ShouldBe(["zh-service", "en-refund-fast"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Topic = ComplaintTopics.RefundReturn })).ShouldBe(["zh-refund-slow", "en-refunds", "en-refund-fast"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Watch = "support" })).ShouldBe(["en-refund-fast"]);
        (await IdsAsync(new MentionFilter { MinReach = 5_000 })).ShouldBe(["zh-refund-slow", "en-refunds"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Unscored = true })).ShouldBe(["mixed"]);
        (await IdsAsync(new MentionFilter { Language = "zh" })).Length.ShouldBe(3);
        (await IdsAsync(new MentionFilter
        {
            From = TestMentions.Epoch.AddDays(1),
            To = TestMentions.Epoch.AddDays(2),
        })).ShouldBe(["zh-logistics", "en-refunds"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "refund", Sentiment = SentimentLabel.Negative, MinReach = 1_000 })).ShouldBe(["en-refunds"]);
    }

    [ContractFact]
    public async Task SortsByNewestAndByReach()
    {
        await SeedAsync();

        (await IdsAsync(MentionFilter.All, MentionSort.Newest)).ShouldBe(
            ["mixed", "en-battery", "en-refund-fast", "en-refunds", "zh-logistics", "zh-service", "zh-refund-slow"]);
        (await IdsAsync(MentionFilter.All, MentionSort.Reach)).Take(3).ShouldBe(["en-refunds", "zh-refund-slow", "en-refund-fast"]);
        (await IdsAsync(MentionFilter.All, MentionSort.Oldest)).First().ShouldBe("zh-refund-slow");
    }

    [ContractFact]
    public async Task UpsertIsIdempotentAndReScoringUpdatesInPlace()
    {
        await SeedAsync();
        await SeedAsync();
        var mixed = Corpus.Single(m => m.Id == "mixed");
        await Index.UpsertAsync([mixed with { Sentiment = TestMentions.Score(SentimentLabel.Negative), ScoredBy = "test-model-2" }], None);

        (await Index.SearchAsync(new MentionSearch { Size = 0 }, None)).Total.ShouldBe(Corpus.Length);
        (await IdsAsync(new MentionFilter { Unscored = true })).ShouldBeEmpty();
        (await IdsAsync(new MentionFilter { Query = "退款", Sentiment = SentimentLabel.Negative })).ShouldBe(["zh-refund-slow", "mixed"], ignoreOrder: true);
        var stored = await Index.GetAsync("mixed", None);
        stored.ShouldNotBeNull();
        stored.ScoredBy.ShouldBe("test-model-2");
        stored.Sentiment!.Label.ShouldBe(SentimentLabel.Negative);
    }

    [ContractFact]
    public async Task AMentionWhosePublishTimeMovesToAnotherMonthIsStillStoredOnce()
    {
        // Elasticsearch keeps a month per index and ids are unique per index only.
        var october = TestMentions.Create("moved", "退款 moved to November", new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero));
        var november = october with { PublishedAt = new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.Zero) };

        await Index.UpsertAsync([october], None);
        await Index.UpsertAsync([november], None);
        await Index.UpsertAsync([november], None);

        (await Index.SearchAsync(new MentionSearch { Size = 0 }, None)).Total.ShouldBe(1);
        (await IdsAsync(new MentionFilter { Query = "退款" })).ShouldBe(["moved"]);
        (await Index.GetAsync("moved", None))!.PublishedAt.ShouldBe(november.PublishedAt);
    }

    [ContractFact]
    public async Task TheLastVersionOfAMentionInOneBatchWins()
    {
        var first = TestMentions.Create("twice", "first text");
        await Index.UpsertAsync([first, first with { Text = "second text" }], None);

        (await Index.GetAsync("twice", None))!.Text.ShouldBe("second text");
        (await IdsAsync(new MentionFilter { Query = "first" })).ShouldBeEmpty();
    }

    [ContractFact]
    public async Task GetReturnsTheWholeMentionOrNull()
    {
        await SeedAsync();

        var mention = await Index.GetAsync("zh-refund-slow", None);
        mention.ShouldBe(Corpus[0], new MentionComparer());
        (await Index.GetAsync("no-such-id", None)).ShouldBeNull();
    }

    [ContractFact]
    public async Task SearchAfterPagesThroughEveryMatchOnceInSortOrder()
    {
        var many = Enumerable.Range(0, 53)
            .Select(i => TestMentions.Create($"m{i:D3}", $"refund case {i}", TestMentions.Epoch.AddMinutes(i % 7), reach: i % 5))
            .ToArray();
        await Index.UpsertAsync(many, None);

        foreach (var sort in new[] { MentionSort.Newest, MentionSort.Reach, MentionSort.Relevance, MentionSort.Oldest })
        {
            var seen = new List<string>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "refund" }, Sort = sort, Size = 10, After = cursor, Highlight = false }, None);
                page.Total.ShouldBe(53);
                seen.AddRange(page.Hits.Select(h => h.Mention.Id));
                cursor = page.NextCursor;
                pages++;
            }
            while (cursor is not null && pages < 20);

            seen.Count.ShouldBe(53, $"sort {sort}");
            seen.Distinct().Count().ShouldBe(53, $"sort {sort}");
            var all = await IdsAsync(new MentionFilter { Query = "refund" }, sort);
            seen.ToArray().ShouldBe(all, false, $"sort {sort}");
        }
    }

    [ContractFact]
    public async Task HitsCarryHighlightedSnippets()
    {
        await SeedAsync();

        var zh = await Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "退款" } }, None);
        zh.Hits.Single(h => h.Mention.Id == "zh-refund-slow").Snippet.ShouldBe("申请<em>退款</em>两周了还没到账，客服一直说在处理");
        var en = await Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "refund" } }, None);
        en.Hits.Single(h => h.Mention.Id == "en-refunds").Snippet!.ShouldContain("my <em>refunds</em> after");
    }

    [ContractFact]
    public async Task TraditionalAndSimplifiedChineseFindEachOther()
    {
        await Index.UpsertAsync(
            [
                TestMentions.Create("traditional", "華為手機退貨還要等兩週，客服態度很差"),
                TestMentions.Create("simplified", "华为手机退货还要等两周，客服态度很差"),
                TestMentions.Create("other-brand", "小米手机很好用 great phone"),
            ],
            None);

        string[] both = ["traditional", "simplified"];
        (await IdsAsync(new MentionFilter { Query = "华为" })).ShouldBe(both, ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "華為" })).ShouldBe(both, ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "退货" })).ShouldBe(both, ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "退貨" })).ShouldBe(both, ignoreOrder: true);
        // Either script, or both mixed in one word, in a phrase or with a Latin word.
        (await IdsAsync(new MentionFilter { Query = "\"退貨还要等兩周\"" })).ShouldBe(both, ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "手機" })).ShouldBe(["traditional", "simplified", "other-brand"], ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "手機 phone" })).ShouldBe(["other-brand"]);
        (await IdsAsync(new MentionFilter { Query = "華為 -態度" })).ShouldBeEmpty();
        // Wildcard terms are not analysed, but folded all the same.
        (await IdsAsync(new MentionFilter { Query = "華為*" })).ShouldBe(both, ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "华?" })).ShouldBe(both, ignoreOrder: true);
        (await IdsAsync(new MentionFilter { Query = "退貨*" })).ShouldBe(both, ignoreOrder: true);
    }

    [ContractFact]
    public async Task ASnippetOfATraditionalPostHighlightsTheCharactersAsWritten()
    {
        await Index.UpsertAsync([TestMentions.Create("traditional", "買了華為手機，申請退貨兩週了還沒到賬 refunds?")], None);

        var simplified = await Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "退货" } }, None);
        simplified.Hits.Single().Snippet.ShouldBe("買了華為手機，申請<em>退貨</em>兩週了還沒到賬 refunds?");
        var traditional = await Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "华為手机 refund" } }, None);
        traditional.Hits.Single().Snippet.ShouldBe("買了<em>華為手機</em>，申請退貨兩週了還沒到賬 <em>refunds</em>?");
    }

    [ContractFact]
    public async Task StatsCountPerDayGroupedAndTopTerms()
    {
        await SeedAsync();

        var stats = await Index.StatsAsync(
            new MentionStatsRequest
            {
                Filter = new MentionFilter { From = TestMentions.Epoch, To = TestMentions.Epoch.AddDays(5) },
                Interval = StatsInterval.Day,
                GroupBy = MentionGroupBy.Sentiment,
                TopN = 2,
            },
            None);

        stats.Total.ShouldBe(7);
        stats.Histogram.Select(b => b.Start).ShouldBe(Enumerable.Range(0, 5).Select(d => TestMentions.Epoch.AddDays(d)));
        stats.Histogram.Select(b => b.Count).ShouldBe([2L, 2, 1, 2, 0]);
        stats.Histogram[0].Groups.ShouldBe(new Dictionary<string, long> { ["negative"] = 1, ["positive"] = 1 }, ignoreOrder: true);
        stats.Histogram[3].Groups.ShouldBe(new Dictionary<string, long> { ["negative"] = 1, ["unscored"] = 1 }, ignoreOrder: true);
        stats.TopTopics.ShouldBe([new TermCount(ComplaintTopics.RefundReturn, 3), new TermCount(ComplaintTopics.Logistics, 1)]);
        stats.TopSources.ShouldBe([new TermCount("forum", 2), new TermCount("reddit", 2)]);
        stats.TopAuthors.ShouldBe([new TermCount("jane", 2), new TermCount("小王", 2)]);
    }

    [ContractFact]
    public async Task StatsBucketByHourAndWeekAndGroupByWatch()
    {
        await SeedAsync();

        var hourly = await Index.StatsAsync(new MentionStatsRequest { Filter = new MentionFilter { Query = "退款 OR 客服" }, Interval = StatsInterval.Hour, GroupBy = MentionGroupBy.Source }, None);
        hourly.Total.ShouldBe(3);
        hourly.Histogram.First().Start.ShouldBe(TestMentions.Epoch.AddHours(1));
        hourly.Histogram.First().Groups["weibo"].ShouldBe(1);
        hourly.Histogram.Sum(b => b.Count).ShouldBe(3);

        // 2026-11-02 is a Monday: a week bucket starts there.
        var weekly = await Index.StatsAsync(new MentionStatsRequest { Interval = StatsInterval.Week, GroupBy = MentionGroupBy.Watch }, None);
        weekly.Histogram.Count.ShouldBe(1);
        weekly.Histogram[0].Start.ShouldBe(TestMentions.Epoch);
        weekly.Histogram[0].Groups.ShouldBe(new Dictionary<string, long> { ["brand"] = 6, ["support"] = 1 }, ignoreOrder: true);
    }

    [ContractFact]
    public async Task StatsBucketDaysInTheRequestedUtcOffsetAndGroupOnlyMentionsThatHaveTheField()
    {
        await SeedAsync();
        var minus5 = TimeSpan.FromHours(-5);

        var stats = await Index.StatsAsync(new MentionStatsRequest { Interval = StatsInterval.Day, GroupBy = MentionGroupBy.Topic, UtcOffset = minus5 }, None);

        // At UTC-5 the mention published 2026-11-05 05:00Z falls on the 5th, the ones just after midnight UTC on the 1st.
        stats.Histogram.Select(b => (b.Start, b.Count)).ShouldBe(
            Enumerable.Range(1, 5).Select(day => new DateTimeOffset(2026, 11, day, 0, 0, 0, minus5)).Zip([2L, 2, 1, 1, 1]));
        stats.Histogram[0].Groups.ShouldBe(new Dictionary<string, long> { [ComplaintTopics.RefundReturn] = 1, [ComplaintTopics.ServiceAttitude] = 1 }, ignoreOrder: true);
        stats.Histogram[4].Groups.ShouldBeEmpty();
    }

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>Daylight saving ends in New York at 02:00 EDT on 1 November 2026 (06:00Z): that day is 25 hours long.</summary>
    [ContractFact]
    public async Task StatsInANewYorkZoneCutDaysAtLocalMidnightOnBothSidesOfTheEndOfDaylightSaving()
    {
        await Index.UpsertAsync(
            [
                TestMentions.Create("oct31-noon", "a", new DateTimeOffset(2026, 10, 31, 12, 0, 0, TimeSpan.FromHours(-4))),
                TestMentions.Create("nov1-early", "b", new DateTimeOffset(2026, 11, 1, 0, 30, 0, TimeSpan.FromHours(-4))),
                TestMentions.Create("nov1-late", "c", new DateTimeOffset(2026, 11, 2, 4, 30, 0, TimeSpan.Zero)), // 23:30 EST on 1 November
                TestMentions.Create("nov3-noon", "d", new DateTimeOffset(2026, 11, 3, 12, 0, 0, TimeSpan.FromHours(-5))),
            ],
            None);
        var filter = new MentionFilter { From = new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.FromHours(-4)), To = new DateTimeOffset(2026, 11, 4, 0, 0, 0, TimeSpan.FromHours(-5)) };

        var zoned = await Index.StatsAsync(new MentionStatsRequest { Filter = filter, Interval = StatsInterval.Day, TimeZone = NewYork }, None);
        var fixedOffset = await Index.StatsAsync(new MentionStatsRequest { Filter = filter, Interval = StatsInterval.Day, UtcOffset = TimeSpan.FromHours(-4) }, None);

        zoned.Histogram.Select(b => (b.Start, b.Count)).ShouldBe(
        [
            (new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.FromHours(-4)), 1L),
            (new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4)), 2L),
            (new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(-5)), 0L),
            (new DateTimeOffset(2026, 11, 3, 0, 0, 0, TimeSpan.FromHours(-5)), 1L),
        ]);
        zoned.Histogram.Select(b => b.Start.Offset).ShouldBe([TimeSpan.FromHours(-4), TimeSpan.FromHours(-4), TimeSpan.FromHours(-5), TimeSpan.FromHours(-5)]);
        (zoned.Histogram[2].Start - zoned.Histogram[1].Start).ShouldBe(TimeSpan.FromHours(25));

        // The fixed -04:00 of decision 256 puts 23:30 EST on 1 November into the 2nd.
        fixedOffset.Histogram.Single(b => b.Start == new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(-4))).Count.ShouldBe(1);
    }

    [ContractFact]
    public async Task StatsInANewYorkZoneStartWeeksOnLocalMondayMidnightAfterTheClocksGoBack()
    {
        await Index.UpsertAsync(
            [
                TestMentions.Create("sunday-night", "a", new DateTimeOffset(2026, 11, 2, 4, 30, 0, TimeSpan.Zero)), // Sunday 23:30 EST
                TestMentions.Create("monday-early", "b", new DateTimeOffset(2026, 11, 2, 5, 30, 0, TimeSpan.Zero)), // Monday 00:30 EST
            ],
            None);

        var stats = await Index.StatsAsync(new MentionStatsRequest { Interval = StatsInterval.Week, TimeZone = NewYork }, None);

        stats.Histogram.Select(b => (b.Start, b.Count)).ShouldBe(
        [
            (new DateTimeOffset(2026, 10, 26, 0, 0, 0, TimeSpan.FromHours(-4)), 1L),
            (new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(-5)), 1L),
        ]);
        stats.Histogram.Select(b => b.Start.Offset).ShouldBe([TimeSpan.FromHours(-4), TimeSpan.FromHours(-5)]);
    }

    [ContractFact]
    public async Task StatsInANewYorkZoneCountTheHourTheClocksRepeatAsTwoHours()
    {
        await Index.UpsertAsync(
            [
                TestMentions.Create("first-0130", "a", new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4))),
                TestMentions.Create("second-0130", "b", new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-5))),
            ],
            None);

        var stats = await Index.StatsAsync(new MentionStatsRequest { Interval = StatsInterval.Hour, TimeZone = NewYork }, None);

        stats.Histogram.Select(b => (b.Start, b.Count)).ShouldBe(
        [
            (new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.FromHours(-4)), 1L),
            (new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.FromHours(-5)), 1L),
        ]);
        stats.Histogram.Select(b => b.Start.Offset).ShouldBe([TimeSpan.FromHours(-4), TimeSpan.FromHours(-5)]);
    }

    [ContractFact]
    public async Task StatsInShanghaiBucketExactlyAsTheFixedOffsetPlusEight()
    {
        await SeedAsync();
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

        foreach (var interval in new[] { StatsInterval.Hour, StatsInterval.Day, StatsInterval.Week })
        {
            var zoned = await Index.StatsAsync(new MentionStatsRequest { Interval = interval, GroupBy = MentionGroupBy.Topic, TimeZone = shanghai }, None);
            var offset = await Index.StatsAsync(new MentionStatsRequest { Interval = interval, GroupBy = MentionGroupBy.Topic, UtcOffset = TimeSpan.FromHours(8) }, None);

            zoned.Histogram.Select(b => (b.Start, b.Start.Offset, b.Count)).ShouldBe(offset.Histogram.Select(b => (b.Start, b.Start.Offset, b.Count)));
            zoned.Histogram.Select(b => b.Groups.Count).ShouldBe(offset.Histogram.Select(b => b.Groups.Count));
        }
    }

    [ContractFact]
    public async Task OffsetPagingSkipsTheFirstHitsOfTheSortOrder()
    {
        await SeedAsync();
        var all = await IdsAsync(MentionFilter.All, MentionSort.Newest);

        var page = await Index.SearchAsync(new MentionSearch { Sort = MentionSort.Newest, Offset = 2, Size = 3, Highlight = false }, None);

        page.Total.ShouldBe(Corpus.Length);
        page.Hits.Select(h => h.Mention.Id).ShouldBe(all[2..5]);
    }

    [ContractFact]
    public async Task ScanStreamsEveryMatch()
    {
        await SeedAsync();

        var ids = new List<string>();
        await foreach (var mention in Index.ScanAsync(new MentionFilter { Topic = ComplaintTopics.RefundReturn }, None))
        {
            ids.Add(mention.Id);
        }

        ids.ShouldBe(["zh-refund-slow", "en-refunds", "en-refund-fast"], ignoreOrder: true);
    }

    [ContractFact]
    public async Task RetentionDropsOnlyMentionsPublishedBeforeTheCutoff()
    {
        await SeedAsync();

        var dropped = await Index.DeleteOlderThanAsync(TestMentions.Epoch.AddDays(1), None);

        dropped.ShouldBe(2);
        (await IdsAsync(MentionFilter.All)).Length.ShouldBe(5);
        (await Index.GetAsync("zh-service", None)).ShouldBeNull();
        (await Index.DeleteOlderThanAsync(TestMentions.Epoch.AddDays(1), None)).ShouldBe(0);
    }

    [ContractFact]
    public async Task DroppingEveryMentionLeavesAnEmptyIndexThatStillWorks()
    {
        // What `reindex --clean` does before rebuilding.
        await SeedAsync();

        (await Index.DeleteOlderThanAsync(DateTimeOffset.MaxValue, None)).ShouldBe(Corpus.Length);

        (await Index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "refund" } }, None)).Total.ShouldBe(0);
        (await Index.HealthAsync(None)).DocumentCount.ShouldBe(0);
        await SeedAsync();
        (await IdsAsync(new MentionFilter { Query = "退款" })).ShouldBe(["zh-refund-slow", "mixed"], ignoreOrder: true);
    }

    [ContractFact]
    public async Task HealthReportsTheDocumentCount()
    {
        await SeedAsync();

        var health = await Index.HealthAsync(None);

        health.Healthy.ShouldBeTrue();
        health.DocumentCount.ShouldBe(Corpus.Length);
    }

    /// <summary>Records compare lists by reference; mentions read back are equal when their JSON is.</summary>
    private sealed class MentionComparer : IEqualityComparer<Mention>
    {
        public bool Equals(Mention? x, Mention? y) =>
            System.Text.Json.JsonSerializer.Serialize(x, MentionJson.Options) == System.Text.Json.JsonSerializer.Serialize(y, MentionJson.Options);

        public int GetHashCode(Mention obj) => obj.Id.GetHashCode(StringComparison.Ordinal);
    }
}
