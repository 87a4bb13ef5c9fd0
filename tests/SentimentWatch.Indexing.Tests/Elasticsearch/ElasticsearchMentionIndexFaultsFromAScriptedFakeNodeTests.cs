using System.Text.Json.Nodes;
using SentimentWatch.Indexing.Elasticsearch;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// The failures a working node cannot be made to produce on demand — bulk items pushed back (429)
/// or refused, error answers, a server that is not Elasticsearch — against
/// <see cref="FakeElasticsearch"/>, a FAKE node that replays scripted answers shaped like the
/// Elasticsearch REST reference. Everything else runs against the emulated node
/// (<see cref="ElasticsearchMentionIndexRequestsToAnEmulatedNodeTests"/> and the shared contract).
/// </summary>
public sealed class ElasticsearchMentionIndexFaultsFromAScriptedFakeNodeTests : IAsyncLifetime
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
        index = new ElasticsearchMentionIndex(options);
    }

    public async Task DisposeAsync()
    {
        index.Dispose();
        await fake.DisposeAsync();
    }

    [Fact]
    public async Task BulkRetriesOnlyTheItemsPushedBackWith429AndReportsTheRejectedOnes()
    {
        NoStoredCopies();
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
        NoStoredCopies();
        fake.Respond("POST", "_bulk", BulkResponse(429));

        var error = await Should.ThrowAsync<MentionIndexRejectedException>(() => index.UpsertAsync([TestMentions.Create("busy", "pushed back")], None));

        fake.To("POST", "_bulk").Count().ShouldBe(1 + options.MaxBulkRetries);
        error.Rejections.Single().Status.ShouldBe(429);
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
    public async Task BasicAuthIsSentWhenNoApiKeyIsSet()
    {
        using var basic = new ElasticsearchMentionIndex(new ElasticsearchIndexOptions { Url = fake.Url, IndexPrefix = "sw-mentions", Alias = "sw-mentions", Username = "elastic", Password = "changeme" });

        await basic.HealthAsync(None);

        fake.Requests.ShouldNotBeEmpty();
        fake.Requests.ShouldAllBe(r => r.Authorization == "Basic ZWxhc3RpYzpjaGFuZ2VtZQ==");
    }

    /// <summary>Each upsert first asks where its ids live: nowhere yet (the reference's empty search result).</summary>
    private void NoStoredCopies() =>
        fake.Respond("POST", "sw-mentions/_search", """{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":0,"relation":"eq"},"max_score":null,"hits":[]}}""");

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
}
