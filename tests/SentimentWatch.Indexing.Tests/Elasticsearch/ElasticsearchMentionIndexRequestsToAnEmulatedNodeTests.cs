using System.Text.Json.Nodes;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing.Elasticsearch;
using SentimentWatch.Indexing.Lucene;
using SentimentWatch.Indexing.Emulated;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// What <see cref="ElasticsearchMentionIndex"/> sends, where the shared contract alone would not
/// notice a wrong request (template, bulk layout, request fields that only matter at scale,
/// month indices, paging past one page), against <see cref="EmulatedElasticsearch"/> — an
/// EMULATED node built from the documented REST API, so the answers read back are computed, not scripted.
/// </summary>
public sealed class ElasticsearchMentionIndexRequestsToAnEmulatedNodeTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private EmulatedElasticsearch node = null!;
    private ElasticsearchMentionIndex index = null!;

    private readonly ElasticsearchIndexOptions options = new()
    {
        IndexPrefix = "sw-mentions",
        Alias = "sw-mentions",
        ApiKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==",
        BulkRetryDelay = TimeSpan.FromMilliseconds(10),
    };

    public async Task InitializeAsync()
    {
        node = await EmulatedElasticsearch.StartAsync();
        options.Url = node.Url;
        index = new ElasticsearchMentionIndex(options);
    }

    public async Task DisposeAsync()
    {
        index.Dispose();
        await node.DisposeAsync();
    }

    [Fact]
    public async Task FirstUsePutsTheTemplateWithTheMentionAnalyzerAndTheAliasThenCreatesThisMonthsIndexOnce()
    {
        await index.UpsertAsync([TestMentions.Create("a", "退款 refund")], None);
        await index.UpsertAsync([TestMentions.Create("a", "退款 refund")], None);

        var template = JsonNode.Parse(To("PUT", "_index_template/sw-mentions").Single().Body)!;
        OneOrMany(template["index_patterns"]).ShouldBe(["sw-mentions-*"]);
        template["template"]!["aliases"]!["sw-mentions"].ShouldNotBeNull();
        var analyzer = template["template"]!["settings"]!["analysis"]!["analyzer"]!["mention_text"]!;
        analyzer["tokenizer"]!.ToString().ShouldBe("standard");
        OneOrMany(analyzer["filter"]).ShouldBe(
            ["cjk_width", "lowercase", "cjk_bigram", "stop", "english_possessive", "keyword_repeat", "porter_stem", "remove_duplicates"]);
        template["template"]!["mappings"]!["dynamic"]!.ToString().ShouldBe("strict");
        template["template"]!["mappings"]!["properties"]!["text"]!["analyzer"]!.ToString().ShouldBe("mention_text");
        node.Requests.Count(r => r.Method == "PUT" && r.Path.StartsWith("sw-mentions-", StringComparison.Ordinal)).ShouldBe(1);
        node.Requests.ShouldAllBe(r => r.Authorization == "ApiKey " + options.ApiKey);
    }

    [Fact]
    public async Task TheOfficialClientAsksForVersion9CompatibilityGzipsBodiesAndSendsBulkAsPlainNdjson()
    {
        await index.UpsertAsync([TestMentions.Create("a", "退款 refund")], None);
        await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "refund" } }, None);

        const string compatible = "application/vnd.elasticsearch+json;compatible-with=9";
        var bulk = To("POST", "_bulk").Single();
        // What elasticsearch-net 9.5.3 really sends: _bulk as plain NDJSON accepting plain JSON,
        // every other call with the REST API compatibility media type for Elasticsearch 9.
        bulk.ContentType.ShouldBe("application/x-ndjson");
        bulk.Accept.ShouldBe("application/json");
        var others = node.Requests.Where(r => r.Path != "_bulk").ToList();
        others.ShouldNotBeEmpty();
        others.ShouldAllBe(r => r.Accept == compatible);
        others.Where(r => r.Body.Length > 0).ShouldAllBe(r => r.ContentType == compatible);
        node.Requests.Where(r => r.Body.Length > 0).ShouldAllBe(r => r.ContentEncoding == "gzip");
    }

    [Fact]
    public async Task TheTemplateFoldsTraditionalToSimplifiedWithAMappingCharFilterBeforeTheTokenizerFromTheCoreTable()
    {
        await index.UpsertAsync([TestMentions.Create("a", "華為 refund")], None);

        var template = JsonNode.Parse(To("PUT", "_index_template/sw-mentions").Single().Body)!["template"]!;
        template["mappings"]!["_meta"]!["text_analysis"]!.GetValue<int>().ShouldBe(MentionTextAnalyzer.AnalysisVersion);
        var analysis = template["settings"]!["analysis"]!;
        OneOrMany(analysis["analyzer"]!["mention_text"]!["char_filter"]).ShouldBe(["traditional_to_simplified"]);
        var charFilter = analysis["char_filter"]!["traditional_to_simplified"]!;
        charFilter["type"]!.ToString().ShouldBe("mapping");
        var rules = charFilter["mappings"]!.AsArray().Select(r => r!.ToString()).ToList();
        rules.Count.ShouldBe(ChineseScript.Pairs.Count);
        rules.ShouldContain("華 => 华");
        rules.ShouldContain("貨 => 货");
        rules.ShouldBe([.. ChineseScript.Pairs.Select(pair => $"{pair.Key} => {pair.Value}")]);
    }

    [Fact]
    public async Task DroppingEveryMentionDropsEveryMonthlyIndexAndCreatesThisMonthsAgainFromTheCurrentTemplate()
    {
        // What `reindex --clean` does first: afterwards no index analyses text as an older build did.
        var thisMonth = index.IndexFor(DateTimeOffset.UtcNow);
        await index.UpsertAsync(
            [
                TestMentions.Create("august", "華為手機", new DateTimeOffset(2026, 8, 10, 0, 0, 0, TimeSpan.Zero)),
                TestMentions.Create("now", "华为手机", DateTimeOffset.UtcNow),
            ],
            None);
        var before = node.Requests.Count();

        (await index.DeleteOlderThanAsync(DateTimeOffset.MaxValue, None)).ShouldBe(2);

        var requests = node.Requests.Skip(before).ToList();
        requests.Where(r => r.Method == "DELETE").Select(r => r.Path).ShouldBe(["sw-mentions-2026.08", thisMonth], ignoreOrder: true);
        var afterDeletes = requests.Skip(requests.FindLastIndex(r => r.Method == "DELETE")).ToList();
        afterDeletes.ShouldContain(r => r.Method == "PUT" && r.Path == "_index_template/sw-mentions");
        afterDeletes.ShouldContain(r => r.Method == "PUT" && r.Path == thisMonth);
        (await index.HealthAsync(None)).DocumentCount.ShouldBe(0);

        await index.UpsertAsync([TestMentions.Create("again", "華為手機", DateTimeOffset.UtcNow)], None);
        (await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "华为" } }, None)).Hits.Select(h => h.Mention.Id).ShouldBe(["again"]);
    }

    [Fact]
    public async Task ASecondProcessStartingTheSameMonthFindsItsIndexAlreadyThere()
    {
        using var second = new ElasticsearchMentionIndex(options);

        await index.UpsertAsync([TestMentions.Create("first", "refund one")], None);
        await second.UpsertAsync([TestMentions.Create("second", "refund two")], None);

        // The second PUT of this month's index was answered resource_already_exists_exception (400) and tolerated.
        node.Requests.Count(r => r.Method == "PUT" && r.Path.StartsWith("sw-mentions-", StringComparison.Ordinal)).ShouldBe(2);
        (await second.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "refund" } }, None)).Total.ShouldBe(2);
    }

    [Fact]
    public async Task UpsertSendsBulkIndexActionsByIdIntoTheMonthlyIndexOfThePublishTimeAndWaitsForTheRefresh()
    {
        var october = TestMentions.Create("old", "older one", new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), sentiment: SentimentLabel.Negative, topic: "refund_return", reach: 42, watches: ["brand"]);
        var november = TestMentions.Create("new", "new one 退款");

        await index.UpsertAsync([october, november], None);

        var bulk = To("POST", "_bulk").Single();
        bulk.Query.ShouldBe("?refresh=wait_for");
        bulk.ContentType.ShouldNotBeNull().ShouldStartWith("application/x-ndjson");
        var lines = bulk.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4);
        JsonNode.Parse(lines[0])!.ToJsonString().ShouldBe("""{"index":{"_id":"old","_index":"sw-mentions-2026.10"}}""");
        var document = JsonNode.Parse(lines[1])!;
        document["sentiment"]!.ToString().ShouldBe("negative");
        document["watch"]![0]!.ToString().ShouldBe("brand");
        document["published"]!.GetValue<long>().ShouldBe(october.PublishedAt.ToUnixTimeMilliseconds());
        JsonNode.Parse(lines[2])!["index"]!["_index"]!.ToString().ShouldBe("sw-mentions-2026.11");
        JsonNode.Parse(lines[3])!["sentiment"]!.ToString().ShouldBe("unscored");
        (await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Sentiment = SentimentLabel.Negative, Watch = "brand", MinReach = 40 } }, None))
            .Hits.Select(h => h.Mention.Id).ShouldBe(["old"]);
    }

    [Fact]
    public async Task SearchSendsABoolQueryAsksOnlyForTheStoredMentionAndPagesWithTheCursor()
    {
        await index.UpsertAsync(
            [
                TestMentions.Create("en-1", "refund please", TestMentions.Epoch.AddHours(1), "reddit", sentiment: SentimentLabel.Negative, reach: 50, watches: ["brand"]),
                TestMentions.Create("zh-1", "退款太慢", TestMentions.Epoch.AddHours(2), "reddit", sentiment: SentimentLabel.Negative, reach: 20, watches: ["brand"]),
                TestMentions.Create("elsewhere", "refund", TestMentions.Epoch.AddHours(3), "weibo", sentiment: SentimentLabel.Negative, reach: 50, watches: ["brand"]),
                TestMentions.Create("small", "refund", TestMentions.Epoch.AddHours(4), "reddit", sentiment: SentimentLabel.Negative, reach: 5, watches: ["brand"]),
            ],
            None);
        var filter = new MentionFilter
        {
            Query = "退款 OR refund",
            From = TestMentions.Epoch,
            To = TestMentions.Epoch.AddDays(7),
            Source = "reddit",
            Sentiment = SentimentLabel.Negative,
            Watch = "brand",
            MinReach = 10,
        };

        var first = await index.SearchAsync(new MentionSearch { Filter = filter, Size = 1 }, None);
        var second = await index.SearchAsync(new MentionSearch { Filter = filter, Size = 1, After = first.NextCursor }, None);

        var searches = Searches().ToList();
        var body = JsonNode.Parse(searches[0].Body)!;
        body["query"]!["bool"]!["must"]!["query_string"]!["default_operator"]!.ToString().ShouldBe("and");
        var filters = body["query"]!["bool"]!["filter"]!.AsArray().Select(f => f!.ToJsonString()).ToList();
        filters.ShouldContain("{\"range\":{\"published\":{\"gte\":" + TestMentions.Epoch.ToUnixTimeMilliseconds() + ",\"lt\":" + TestMentions.Epoch.AddDays(7).ToUnixTimeMilliseconds() + "}}}");
        filters.ShouldContain("""{"term":{"watch":{"value":"brand"}}}""");
        body["sort"]!.ToJsonString().ShouldBe("""[{"_score":{"order":"desc"}},{"published":{"order":"desc"}},{"id":{"order":"asc"}}]""");
        OneOrMany(body["_source"]!["includes"]).ShouldBe(["mention"]);
        // Without it a node counts only up to 10,000 and the total would be a lower bound.
        body["track_total_hits"]!.GetValue<bool>().ShouldBeTrue();
        var after = JsonNode.Parse(searches[1].Body)!["search_after"]!.AsArray();
        after.Count.ShouldBe(3);
        after[2]!.ToString().ShouldBe(first.Hits.Single().Mention.Id);

        first.Total.ShouldBe(2);
        second.Total.ShouldBe(2);
        new[] { first.Hits.Single().Mention.Id, second.Hits.Single().Mention.Id }.ShouldBe(["en-1", "zh-1"], ignoreOrder: true);
        first.Hits.Single().Score.ShouldNotBeNull().ShouldBeGreaterThan(0f);
    }

    [Fact]
    public async Task AChineseWordIsSentAsAPhraseAndAnUnparsableQueryEscaped()
    {
        await index.UpsertAsync([TestMentions.Create("zh", "退款到账很快 refund")], None);

        var phrase = await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "退款到账 refund" }, Size = 1 }, None);
        var unparsable = await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "refund \"unclosed" }, Sort = MentionSort.Newest, Size = 1 }, None);

        var sent = Searches().Select(r => JsonNode.Parse(r.Body)!["query"]!["bool"]!["must"]!["query_string"]!["query"]!.ToString()).ToList();
        sent.ShouldBe(["\"退款到账\" refund", "refund \\\"unclosed"]);
        phrase.Hits.Single().Mention.Id.ShouldBe("zh");
        unparsable.Total.ShouldBe(0);
        await Should.ThrowAsync<InvalidCursorException>(() => index.SearchAsync(new MentionSearch { Sort = MentionSort.Reach, After = phrase.NextCursor.ShouldNotBeNull() }, None));
    }

    /// <summary>
    /// search.max_buckets counts every histogram bucket and every group in it; a cluster refuses a search over it with the
    /// documented 400 (too_many_buckets_exception under search_phase_execution_exception). That was a 500 from the API; now
    /// the index says so as TooManyStatsBucketsException, which the API answers as a 400 on interval (decision 254).
    /// </summary>
    [Fact]
    public async Task StatsOverTheClustersBucketLimit_AreRefusedAsTooManyBuckets_NotAFailure()
    {
        var start = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        await index.UpsertAsync(
            Enumerable.Range(0, 8).Select(h => TestMentions.Create($"h{h}", "refund", start.AddHours(h), "weibo", sentiment: SentimentLabel.Negative)).ToArray(),
            None);
        node.MaxBuckets = 12;
        var request = new MentionStatsRequest
        {
            Filter = new MentionFilter { From = start.AddDays(-1), To = start.AddDays(1) },
            Interval = StatsInterval.Hour,
            GroupBy = MentionGroupBy.Sentiment,
            TopN = 5,
        };

        var refused = await Should.ThrowAsync<TooManyStatsBucketsException>(() => index.StatsAsync(request, None));

        refused.Interval.ShouldBe(StatsInterval.Hour);
        refused.Message.ShouldContain("Must be less than or equal to: [12]");
        (await index.StatsAsync(request with { Interval = StatsInterval.Day }, None)).Total.ShouldBe(8, "one day bucket with one group fits");
    }

    [Fact]
    public async Task StatsAskForADateHistogramInTheOffsetAndTermsWithTypedKeysAndReadThem()
    {
        var nov2 = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.FromHours(8));
        await index.UpsertAsync(
            [
                TestMentions.Create("a", "one", nov2.AddHours(6), "weibo", sentiment: SentimentLabel.Negative, topic: "refund_return"),
                TestMentions.Create("b", "two", nov2.AddHours(9), "weibo", sentiment: SentimentLabel.Positive, topic: "refund_return"),
                TestMentions.Create("c", "three", nov2.AddHours(28), "tieba", sentiment: SentimentLabel.Negative, topic: "logistics"),
            ],
            None);

        var stats = await index.StatsAsync(
            new MentionStatsRequest
            {
                Filter = new MentionFilter { From = nov2.AddDays(-1), To = nov2.AddDays(3) },
                Interval = StatsInterval.Day,
                GroupBy = MentionGroupBy.Sentiment,
                TopN = 5,
                UtcOffset = TimeSpan.FromHours(8),
            },
            None);

        var body = JsonNode.Parse(Searches().Single().Body)!;
        body["size"]!.GetValue<int>().ShouldBe(0);
        body["track_total_hits"]!.GetValue<bool>().ShouldBeTrue();
        Searches().Single().Query.ShouldBe("?typed_keys=true");
        var histogram = body["aggregations"]!["histogram"]!;
        histogram["date_histogram"]!["calendar_interval"]!.ToString().ShouldBe("day");
        histogram["date_histogram"]!["time_zone"]!.ToString().ShouldBe("+08:00");
        histogram["aggregations"]!["groups"]!["terms"]!["field"]!.ToString().ShouldBe("sentiment");
        body["aggregations"]!["topics"]!["terms"]!["size"]!.GetValue<int>().ShouldBe(5);

        stats.Total.ShouldBe(3);
        stats.Histogram.Where(b => b.Count > 0).Select(b => (b.Start, b.Count)).ShouldBe([(nov2, 2L), (nov2.AddDays(1), 1L)]);
        stats.Histogram.Single(b => b.Start == nov2).Groups.ShouldBe(new Dictionary<string, long> { ["negative"] = 1, ["positive"] = 1 }, ignoreOrder: true);
        stats.TopTopics.ShouldBe([new TermCount("refund_return", 2), new TermCount("logistics", 1)]);
        stats.TopSources.ShouldBe([new TermCount("weibo", 2), new TermCount("tieba", 1)]);
    }

    [Fact]
    public async Task StatsInAZoneSendItsIanaIdAsTheDateHistogramsTimeZone()
    {
        await index.UpsertAsync([TestMentions.Create("a", "one", new DateTimeOffset(2026, 11, 2, 4, 30, 0, TimeSpan.Zero))], None);

        var stats = await index.StatsAsync(new MentionStatsRequest { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York") }, None);

        JsonNode.Parse(Searches().Single().Body)!["aggregations"]!["histogram"]!["date_histogram"]!["time_zone"]!.ToString().ShouldBe("America/New_York");
        stats.Histogram.Single().Start.ShouldBe(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(-4)));
    }

    [Fact]
    public async Task RetentionDropsWholeOldMonthsAndDeletesOlderMentionsByQuery()
    {
        var cutoff = new DateTimeOffset(2026, 10, 15, 0, 0, 0, TimeSpan.Zero);
        await index.UpsertAsync(
            [
                TestMentions.Create("august", "old", new DateTimeOffset(2026, 8, 10, 0, 0, 0, TimeSpan.Zero)),
                TestMentions.Create("early-october", "old", new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero)),
                TestMentions.Create("late-october", "kept", new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero)),
                TestMentions.Create("november", "kept", new DateTimeOffset(2026, 11, 5, 0, 0, 0, TimeSpan.Zero)),
            ],
            None);

        var dropped = await index.DeleteOlderThanAsync(cutoff, None);

        dropped.ShouldBe(2);
        To("DELETE", "sw-mentions-2026.08").Count().ShouldBe(1);
        To("DELETE", "sw-mentions-2026.10").ShouldBeEmpty();
        var byQuery = JsonNode.Parse(To("POST", "sw-mentions/_delete_by_query").Single().Body)!;
        byQuery["query"]!["range"]!["published"]!["lt"]!.GetValue<long>().ShouldBe(cutoff.ToUnixTimeMilliseconds());
        (await index.SearchAsync(new MentionSearch(), None)).Hits.Select(h => h.Mention.Id).ShouldBe(["november", "late-october"]);
    }

    [Fact]
    public async Task ScanPagesPastOneThousandMentionsWithSearchAfter()
    {
        var many = Enumerable.Range(0, 2_100).Select(i => TestMentions.Create($"m{i:D4}", "refund", TestMentions.Epoch.AddSeconds(i / 3))).ToArray();
        await index.UpsertAsync(many, None);

        var seen = new List<string>();
        await foreach (var mention in index.ScanAsync(MentionFilter.All, None))
        {
            seen.Add(mention.Id);
        }

        seen.Count.ShouldBe(many.Length);
        seen.ShouldBe(many.Select(m => m.Id).ToList(), ignoreOrder: true);
        var pages = Searches().Select(r => JsonNode.Parse(r.Body)!).ToList();
        pages.Count.ShouldBe(3);
        pages[0]["search_after"].ShouldBeNull();
        pages.Skip(1).ShouldAllBe(p => p["search_after"] != null);
    }

    [Fact]
    public async Task HealthReadsTheClusterStatusAndTheAliasCount()
    {
        await index.UpsertAsync([TestMentions.Create("a", "one"), TestMentions.Create("b", "two")], None);

        var health = await index.HealthAsync(None);

        health.Healthy.ShouldBeTrue();
        health.DocumentCount.ShouldBe(2);
        // One node cannot place the replica the template's default asks for.
        health.Detail.ShouldNotBeNull().ShouldContain("yellow");
    }

    /// <summary>The official client sends a one-element list as the element itself; the reference allows both.</summary>
    private static List<string> OneOrMany(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(item => item!.ToString())] : node is null ? [] : [node.ToString()];

    private IEnumerable<RecordedRequest> To(string method, string path) =>
        node.Requests.Where(r => r.Method == method && r.Path == path);

    /// <summary>The searches the tests asked for, without the id lookups every upsert makes first (the only requests sent with <c>_source: false</c>).</summary>
    private IEnumerable<RecordedRequest> Searches() =>
        To("POST", "sw-mentions/_search").Where(r => JsonNode.Parse(r.Body)!["_source"]?.GetValueKind() != System.Text.Json.JsonValueKind.False);
}
