using System.Text.Json;
using System.Text.Json.Nodes;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Indexing.Elasticsearch;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// The Elasticsearch engine against <see cref="FakeElasticsearch"/>, a fake node that answers with
/// responses modelled on the Elasticsearch REST reference: what we send (template, bulk NDJSON,
/// bool queries, search_after, aggregations with typed_keys) and how we read the answers.
/// </summary>
public sealed class ElasticsearchMentionIndexAgainstAFakeServingDocumentedResponsesTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private FakeElasticsearch fake = null!;
    private ElasticsearchMentionIndex index = null!;

    private readonly ElasticsearchIndexOptions options = new()
    {
        IndexPrefix = "sw-mentions",
        Alias = "sw-mentions",
        ApiKey = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==",
        BulkRetryDelay = TimeSpan.FromMilliseconds(10),
        MaxBulkRetries = 2,
    };

    public async Task InitializeAsync()
    {
        fake = await FakeElasticsearch.StartAsync();
        options.Url = fake.Url;
        index = new ElasticsearchMentionIndex(new HttpClient(), options, ownsClient: true);
    }

    public async Task DisposeAsync()
    {
        index.Dispose();
        await fake.DisposeAsync();
    }

    [Fact]
    public async Task FirstUsePutsTheTemplateWithTheMentionAnalyzerAndTheAliasThenCreatesThisMonthsIndex()
    {
        fake.Respond("POST", "_bulk", BulkResponse(201));

        await index.UpsertAsync([TestMentions.Create("a", "退款 refund")], None);
        await index.UpsertAsync([TestMentions.Create("a", "退款 refund")], None);

        var template = JsonNode.Parse(fake.To("PUT", "_index_template/sw-mentions").Single().Body)!;
        template["index_patterns"]![0]!.ToString().ShouldBe("sw-mentions-*");
        template["template"]!["aliases"]!["sw-mentions"].ShouldNotBeNull();
        var analyzer = template["template"]!["settings"]!["analysis"]!["analyzer"]!["mention_text"]!;
        analyzer["tokenizer"]!.ToString().ShouldBe("standard");
        analyzer["filter"]!.AsArray().Select(f => f!.ToString()).ShouldBe(
            ["cjk_width", "lowercase", "cjk_bigram", "stop", "english_possessive", "keyword_repeat", "porter_stem", "remove_duplicates"]);
        template["template"]!["mappings"]!["properties"]!["text"]!["analyzer"]!.ToString().ShouldBe("mention_text");
        template["template"]!["mappings"]!["properties"]!["published"]!["type"]!.ToString().ShouldBe("date");
        fake.Requests.Count(r => r.Method == "PUT" && r.Path.StartsWith("sw-mentions-", StringComparison.Ordinal)).ShouldBe(1);
        fake.Requests.ShouldAllBe(r => r.Authorization == "ApiKey " + options.ApiKey);
    }

    [Fact]
    public async Task UpsertSendsBulkIndexActionsByIdIntoTheMonthlyIndexOfThePublishTime()
    {
        fake.Respond("POST", "_bulk", BulkResponse(201, 200));
        var october = TestMentions.Create("old", "older one", new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), sentiment: SentimentLabel.Negative, topic: "refund_return", reach: 42, watches: ["brand"]);
        var november = TestMentions.Create("new", "new one 退款");

        await index.UpsertAsync([october, november], None);

        var bulk = fake.To("POST", "_bulk").Single();
        bulk.Query.ShouldBe("?refresh=wait_for");
        bulk.ContentType.ShouldNotBeNull().ShouldStartWith("application/x-ndjson");
        var lines = bulk.Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(4);
        JsonNode.Parse(lines[0])!.ToJsonString().ShouldBe("""{"index":{"_index":"sw-mentions-2026.10","_id":"old"}}""");
        var document = JsonNode.Parse(lines[1])!;
        document["sentiment"]!.ToString().ShouldBe("negative");
        document["topic"]!.ToString().ShouldBe("refund_return");
        document["reach"]!.GetValue<long>().ShouldBe(42);
        document["watch"]![0]!.ToString().ShouldBe("brand");
        document["published"]!.GetValue<long>().ShouldBe(october.PublishedAt.ToUnixTimeMilliseconds());
        document["mention"]!["id"]!.ToString().ShouldBe("old");
        JsonNode.Parse(lines[2])!["index"]!["_index"]!.ToString().ShouldBe("sw-mentions-2026.11");
        JsonNode.Parse(lines[3])!["sentiment"]!.ToString().ShouldBe("unscored");
    }

    [Fact]
    public async Task BulkRetriesOnlyTheItemsPushedBackWith429AndReportsTheRejectedOnes()
    {
        fake.Respond("POST", "_bulk", BulkResponse(201, 429, 400));
        fake.Respond("POST", "_bulk", BulkResponse(201));

        var error = await Should.ThrowAsync<MentionIndexRejectedException>(() => index.UpsertAsync(
            [TestMentions.Create("ok", "fine"), TestMentions.Create("busy", "pushed back"), TestMentions.Create("bad", "refused")], None));

        var bulks = fake.To("POST", "_bulk").ToList();
        bulks.Count.ShouldBe(2);
        var retried = bulks[1].Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        retried.Length.ShouldBe(2);
        JsonNode.Parse(retried[0])!["index"]!["_id"]!.ToString().ShouldBe("busy");
        error.Rejections.Single().MentionId.ShouldBe("bad");
        error.Rejections.Single().Status.ShouldBe(400);
        error.Message.ShouldContain("document_parsing_exception");
    }

    [Fact]
    public async Task ItemsStillPushedBackAfterTheLastRetryAreReported()
    {
        fake.Respond("POST", "_bulk", BulkResponse(429));

        var error = await Should.ThrowAsync<MentionIndexRejectedException>(() => index.UpsertAsync([TestMentions.Create("busy", "pushed back")], None));

        fake.To("POST", "_bulk").Count().ShouldBe(1 + options.MaxBulkRetries);
        error.Rejections.Single().Status.ShouldBe(429);
    }

    [Fact]
    public async Task SearchSendsABoolQueryWithFiltersAndSortAndReadsHitsAndTheCursor()
    {
        fake.Respond("POST", "sw-mentions/_search", SearchResponse(total: 2, ("en-1", 1.3862942, "[1.3862942, 1793581200000, \"en-1\"]"), ("zh-1", 0.2876821, "[0.2876821, 1793577600000, \"zh-1\"]")));

        var result = await index.SearchAsync(
            new MentionSearch
            {
                Filter = new MentionFilter
                {
                    Query = "退款 OR refund",
                    From = TestMentions.Epoch,
                    To = TestMentions.Epoch.AddDays(7),
                    Source = "reddit",
                    Sentiment = SentimentLabel.Negative,
                    Watch = "brand",
                    MinReach = 10,
                },
                Size = 2,
            },
            None);

        var request = fake.To("POST", "sw-mentions/_search").Single();
        request.Query.ShouldBe("?typed_keys=true");
        var body = JsonNode.Parse(request.Body)!;
        var boolean = body["query"]!["bool"]!;
        boolean["must"]![0]!["query_string"]!["query"]!.ToString().ShouldBe("退款 OR refund");
        boolean["must"]![0]!["query_string"]!["default_operator"]!.ToString().ShouldBe("AND");
        var filters = boolean["filter"]!.AsArray().Select(f => f!.ToJsonString()).ToList();
        filters.ShouldContain("{\"range\":{\"published\":{\"gte\":" + TestMentions.Epoch.ToUnixTimeMilliseconds() + ",\"lt\":" + TestMentions.Epoch.AddDays(7).ToUnixTimeMilliseconds() + "}}}");
        filters.ShouldContain("""{"term":{"source":"reddit"}}""");
        filters.ShouldContain("""{"term":{"sentiment":"negative"}}""");
        filters.ShouldContain("""{"term":{"watch":"brand"}}""");
        filters.ShouldContain("""{"range":{"reach":{"gte":10}}}""");
        body["sort"]!.ToJsonString().ShouldBe("""[{"_score":{"order":"desc"}},{"published":{"order":"desc"}},{"id":{"order":"asc"}}]""");
        body["track_total_hits"]!.GetValue<bool>().ShouldBeTrue();

        result.Total.ShouldBe(2);
        result.Hits.Select(h => h.Mention.Id).ShouldBe(["en-1", "zh-1"]);
        result.Hits[0].Score.ShouldBe(1.3862942f);
        result.Hits[1].Snippet.ShouldBe("<em>退款</em> text of zh-1");
        result.NextCursor.ShouldNotBeNull();

        await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "退款 OR refund" }, Size = 2, After = result.NextCursor }, None);
        var next = JsonNode.Parse(fake.To("POST", "sw-mentions/_search").Last().Body)!;
        next["search_after"]!.ToJsonString().ShouldBe("""[0.2876821,1793577600000,"zh-1"]""");
    }

    [Fact]
    public async Task AnUnparsableQueryIsSentEscapedAndACursorFromAnotherSortIsRefused()
    {
        fake.Respond("POST", "sw-mentions/_search", SearchResponse(total: 1, ("en-1", null, "[1793581200000, \"en-1\"]")));

        var page = await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "refund \"unclosed" }, Sort = MentionSort.Newest, Size = 1 }, None);

        JsonNode.Parse(fake.Requests.Last().Body)!["query"]!["bool"]!["must"]![0]!["query_string"]!["query"]!.ToString().ShouldBe("refund \\\"unclosed");
        await Should.ThrowAsync<InvalidCursorException>(() => index.SearchAsync(new MentionSearch { Sort = MentionSort.Reach, After = page.NextCursor }, None));
    }

    [Fact]
    public async Task StatsAskForADateHistogramAndTermsWithTypedKeysAndReadThem()
    {
        var day0 = TestMentions.Epoch.ToUnixTimeMilliseconds();
        var day2 = TestMentions.Epoch.AddDays(2).ToUnixTimeMilliseconds();
        fake.Respond("POST", "sw-mentions/_search", $$"""
            {"took":3,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},
             "hits":{"total":{"value":5,"relation":"eq"},"max_score":null,"hits":[]},
             "aggregations":{
               "date_histogram#histogram":{"buckets":[
                 {"key_as_string":"2026-11-02T00:00:00.000Z","key":{{day0}},"doc_count":3,
                  "sterms#groups":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"negative","doc_count":2},{"key":"positive","doc_count":1}]} },
                 {"key_as_string":"2026-11-04T00:00:00.000Z","key":{{day2}},"doc_count":2,
                  "sterms#groups":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"unscored","doc_count":2}]} }]},
               "sterms#topics":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"refund_return","doc_count":3},{"key":"logistics","doc_count":1}]},
               "sterms#sources":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[{"key":"weibo","doc_count":5}]},
               "sterms#authors":{"doc_count_error_upper_bound":0,"sum_other_doc_count":0,"buckets":[]} } }
            """);

        var stats = await index.StatsAsync(
            new MentionStatsRequest
            {
                Filter = new MentionFilter { From = TestMentions.Epoch, To = TestMentions.Epoch.AddDays(3) },
                Interval = StatsInterval.Day,
                GroupBy = MentionGroupBy.Sentiment,
                TopN = 5,
                UtcOffset = TimeSpan.FromHours(8),
            },
            None);

        var body = JsonNode.Parse(fake.To("POST", "sw-mentions/_search").Single().Body)!;
        body["size"]!.GetValue<int>().ShouldBe(0);
        var histogram = body["aggs"]!["histogram"]!;
        histogram["date_histogram"]!["calendar_interval"]!.ToString().ShouldBe("day");
        histogram["date_histogram"]!["time_zone"]!.ToString().ShouldBe("+08:00");
        histogram["aggs"]!["groups"]!["terms"]!["field"]!.ToString().ShouldBe("sentiment");
        body["aggs"]!["topics"]!["terms"]!["size"]!.GetValue<int>().ShouldBe(5);

        stats.Total.ShouldBe(5);
        stats.Histogram.Sum(b => b.Count).ShouldBe(5);
        stats.Histogram.Single(b => b.Count == 3).Groups["negative"].ShouldBe(2);
        stats.Histogram.ShouldContain(b => b.Count == 0);
        stats.TopTopics.ShouldBe([new TermCount("refund_return", 3), new TermCount("logistics", 1)]);
        stats.TopSources.ShouldBe([new TermCount("weibo", 5)]);
        stats.TopAuthors.ShouldBeEmpty();
    }

    [Fact]
    public async Task RetentionDropsWholeOldMonthsAndDeletesOlderMentionsByQuery()
    {
        fake.Respond("GET", "_alias/sw-mentions", """{"sw-mentions-2026.08":{"aliases":{"sw-mentions":{}}},"sw-mentions-2026.10":{"aliases":{"sw-mentions":{}}},"sw-mentions-2026.11":{"aliases":{"sw-mentions":{}}}}""");
        fake.Respond("GET", "sw-mentions-2026.08/_count", """{"count":120,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}""");
        fake.Respond("DELETE", "sw-mentions-2026.08", """{"acknowledged":true}""");
        fake.Respond("POST", "sw-mentions/_delete_by_query", """{"took":147,"timed_out":false,"total":7,"deleted":7,"batches":1,"version_conflicts":0,"noops":0,"retries":{"bulk":0,"search":0},"throttled_millis":0,"requests_per_second":-1.0,"throttled_until_millis":0,"failures":[]}""");

        var dropped = await index.DeleteOlderThanAsync(new DateTimeOffset(2026, 10, 15, 0, 0, 0, TimeSpan.Zero), None);

        dropped.ShouldBe(127);
        fake.To("DELETE", "sw-mentions-2026.10").ShouldBeEmpty();
        var byQuery = JsonNode.Parse(fake.To("POST", "sw-mentions/_delete_by_query").Single().Body)!;
        byQuery["query"]!["range"]!["published"]!["lt"]!.GetValue<long>().ShouldBe(new DateTimeOffset(2026, 10, 15, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task HealthReadsClusterStatusAndCount()
    {
        fake.Respond("GET", "_cluster/health", """{"cluster_name":"testcluster","status":"yellow","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":1,"active_shards":1,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":1,"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,"task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":50.0}""");
        fake.Respond("GET", "sw-mentions/_count", """{"count":7,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0}}""");

        var health = await index.HealthAsync(None);

        health.Healthy.ShouldBeTrue();
        health.DocumentCount.ShouldBe(7);
        health.Detail.ShouldNotBeNull().ShouldContain("yellow");
    }

    [Fact]
    public async Task AServerWithoutTheProductHeaderIsNotTakenForElasticsearch()
    {
        fake.SendProductHeader = false;

        var health = await index.HealthAsync(None);

        health.Healthy.ShouldBeFalse();
        health.Detail.ShouldNotBeNull().ShouldContain("X-Elastic-Product");
    }

    [Fact]
    public async Task ClusterErrorsNameTheErrorTypeAndReason()
    {
        fake.Respond("POST", "sw-mentions/_search", """{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [sw-mentions]"}],"type":"index_not_found_exception","reason":"no such index [sw-mentions]","index":"sw-mentions"},"status":404}""", status: 404);

        var error = await Should.ThrowAsync<ElasticsearchException>(() => index.GetAsync("x", None));

        error.Message.ShouldContain("index_not_found_exception: no such index [sw-mentions]");
    }

    [Fact]
    public void BasicAuthIsUsedWhenNoApiKeyIsSet()
    {
        var header = ElasticsearchMentionIndex.AuthorizationFor(new ElasticsearchIndexOptions { Username = "elastic", Password = "changeme" });

        header.ShouldNotBeNull();
        header.Scheme.ShouldBe("Basic");
        header.Parameter.ShouldBe("ZWxhc3RpYzpjaGFuZ2VtZQ==");
    }

    /// <summary>A _bulk response as in the reference: one item per action, each with its status (and error).</summary>
    private static string BulkResponse(params int[] statuses)
    {
        var items = statuses.Select((status, i) => status switch
        {
            201 or 200 => $$"""{"index":{"_index":"sw-mentions-2026.11","_id":"{{i}}","_version":1,"result":"{{(status == 201 ? "created" : "updated")}}","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":{{i}},"_primary_term":1,"status":{{status}} } }""",
            429 => $$"""{"index":{"_index":"sw-mentions-2026.11","_id":"{{i}}","status":429,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=1024, max_coordinating_and_primary_bytes=512]"} } }""",
            _ => $$"""{"index":{"_index":"sw-mentions-2026.11","_id":"{{i}}","status":{{status}},"error":{"type":"document_parsing_exception","reason":"[1:42] failed to parse field [reach] of type [long] in document with id '{{i}}'"} } }""",
        });
        return $$"""{"took":30,"errors":{{(statuses.Any(s => s >= 300) ? "true" : "false")}},"items":[{{string.Join(',', items)}}]}""";
    }

    /// <summary>A _search response as in the reference, its _source holding the stored mention.</summary>
    private static string SearchResponse(long total, params (string Id, double? Score, string Sort)[] hits)
    {
        var documents = hits.Select(hit =>
        {
            var mention = JsonSerializer.Serialize(TestMentions.Create(hit.Id, hit.Id.StartsWith("zh", StringComparison.Ordinal) ? $"退款 text of {hit.Id}" : $"refund text of {hit.Id}"), MentionJson.Options);
            var score = hit.Score is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null";
            return $$"""{"_index":"sw-mentions-2026.11","_id":"{{hit.Id}}","_score":{{score}},"_source":{"mention":{{mention}}},"sort":{{hit.Sort}}}""";
        });
        return $$"""{"took":5,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":{{total}},"relation":"eq"},"max_score":1.3862942,"hits":[{{string.Join(',', documents)}}]} }""";
    }
}
