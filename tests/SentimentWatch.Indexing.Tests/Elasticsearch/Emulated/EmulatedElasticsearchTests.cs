using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace SentimentWatch.Indexing.Emulated;

/// <summary>
/// The emulated node refuses what the reference says a node refuses and answers in the documented
/// shapes, so the contract run against it can fail for the right reasons.
/// </summary>
public sealed class EmulatedElasticsearchTests : IAsyncLifetime
{
    private const string Template = """
        {"index_patterns":["t-*"],"priority":1,"template":{
          "settings":{"analysis":{"analyzer":{"zh_en":{"type":"custom","tokenizer":"standard","filter":["cjk_width","lowercase","cjk_bigram"]}}}},
          "mappings":{"dynamic":"strict","properties":{"text":{"type":"text","analyzer":"zh_en"},"tag":{"type":"keyword"},"at":{"type":"date","format":"epoch_millis"}}},
          "aliases":{"t":{}}}}
        """;

    private EmulatedElasticsearch node = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        node = await EmulatedElasticsearch.StartAsync(refreshInterval: TimeSpan.FromMinutes(5));
        http = new HttpClient { BaseAddress = node.Url };
        (await SendAsync(HttpMethod.Put, "_index_template/t", Template)).Status.ShouldBe(HttpStatusCode.OK);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await node.DisposeAsync();
    }

    [Fact]
    public async Task AnUnknownQueryTypeIsAParsingExceptionWithTheProductHeader()
    {
        var (status, body, product) = await SendAsync(HttpMethod.Post, "t-1/_search", """{"query":{"match_everything":{}}}""");

        status.ShouldBe(HttpStatusCode.NotFound);
        product.ShouldBe("Elasticsearch");
        body["error"]!["type"]!.ToString().ShouldBe("index_not_found_exception");

        await BulkAsync("""{"index":{"_index":"t-1","_id":"1"}}""", """{"text":"退款","tag":"a","at":1}""");
        (status, body, _) = await SendAsync(HttpMethod.Post, "t/_search", """{"query":{"match_everything":{}}}""");
        status.ShouldBe(HttpStatusCode.BadRequest);
        body["error"]!["root_cause"]![0]!["type"]!.ToString().ShouldBe("parsing_exception");
        body["error"]!["reason"]!.ToString().ShouldBe("unknown query [match_everything]");
        body["status"]!.GetValue<int>().ShouldBe(400);
    }

    [Fact]
    public async Task RestApiCompatibilityIsAnsweredForVersions9And8AndRefusedForOthersOrWhenAcceptAndContentTypeDisagree()
    {
        async Task<(HttpStatusCode Status, string? ContentType, JsonNode Body)> SearchWith(string accept, string contentType)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "t-*/_search") { Content = new StringContent("{}", Encoding.UTF8) };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
            request.Headers.TryAddWithoutValidation("Accept", accept);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }

        const string v9 = "application/vnd.elasticsearch+json;compatible-with=9";
        var nine = await SearchWith(v9, v9);
        nine.Status.ShouldBe(HttpStatusCode.OK);
        nine.ContentType.ShouldNotBeNull().Replace(" ", "", StringComparison.Ordinal).ShouldBe(EmulatedElasticsearch.CompatibleJson);
        (await SearchWith("application/vnd.elasticsearch+json;compatible-with=8", "application/vnd.elasticsearch+json;compatible-with=8")).Status.ShouldBe(HttpStatusCode.OK);
        (await SearchWith("application/json", "application/json")).ContentType.ShouldNotBeNull().ShouldStartWith("application/json");

        var seven = await SearchWith("application/vnd.elasticsearch+json;compatible-with=7", "application/vnd.elasticsearch+json;compatible-with=7");
        seven.Status.ShouldBe(HttpStatusCode.BadRequest);
        seven.Body["error"]!["type"]!.ToString().ShouldBe("media_type_header_exception");
        var mixed = await SearchWith(v9, "application/json");
        mixed.Status.ShouldBe(HttpStatusCode.BadRequest);
        mixed.Body["error"]!["caused_by"]!["reason"]!.ToString().ShouldContain("must match");
    }

    [Fact]
    public async Task AGzippedRequestBodyIsReadAsTheClientSendsIt()
    {
        using var compressed = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes("""{"query":{"match_everything":{}}}"""));
        }

        await BulkAsync("""{"index":{"_index":"t-1","_id":"1"}}""", """{"text":"退款","tag":"a","at":1}""");
        using var request = new HttpRequestMessage(HttpMethod.Post, "t/_search") { Content = new ByteArrayContent(compressed.ToArray()) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Content.Headers.ContentEncoding.Add("gzip");
        using var response = await http.SendAsync(request);

        // The body was decompressed and parsed: the unknown query is named, not a JSON error.
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["reason"]!.ToString().ShouldBe("unknown query [match_everything]");
    }

    [Fact]
    public async Task UnknownSearchFieldsAndQueryParametersAreRefused()
    {
        (await SendAsync(HttpMethod.Post, "t-*/_search", """{"query":{"match_all":{}},"sorting":[]}""")).Body["error"]!["reason"]!.ToString()
            .ShouldBe("Unknown key for a START_ARRAY in [sorting].");
        (await SendAsync(HttpMethod.Post, "t-*/_search", """{"query":{"query_string":{"query":"x","default_field":"text","default_operator":"AND","defualt_field":"x"}}}""")).Body["error"]!["reason"]!.ToString()
            .ShouldBe("[query_string] query does not support [defualt_field]");
        (await SendAsync(HttpMethod.Post, "t-*/_search?typedkeys=true", "{}")).Status.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task StrictMappingsRejectAnUnmappedFieldPerBulkItem()
    {
        var result = await BulkAsync(
            """{"index":{"_index":"t-1","_id":"ok"}}""", """{"text":"fine","tag":"a","at":1}""",
            """{"index":{"_index":"t-1","_id":"bad"}}""", """{"text":"x","colour":"red"}""");

        result["errors"]!.GetValue<bool>().ShouldBeTrue();
        result["items"]![0]!["index"]!["status"]!.GetValue<int>().ShouldBe(201);
        result["items"]![0]!["index"]!["result"]!.ToString().ShouldBe("created");
        result["items"]![1]!["index"]!["status"]!.GetValue<int>().ShouldBe(400);
        result["items"]![1]!["index"]!["error"]!["type"]!.ToString().ShouldBe("strict_dynamic_mapping_exception");
    }

    [Fact]
    public async Task WritesBecomeSearchableOnlyAtARefresh()
    {
        var (status, _, _) = await SendAsync(HttpMethod.Post, "_bulk", "{\"index\":{\"_index\":\"t-1\",\"_id\":\"1\"}}\n{\"text\":\"退款\"}\n", "application/x-ndjson");
        status.ShouldBe(HttpStatusCode.OK);

        (await SendAsync(HttpMethod.Get, "t/_count", "")).Body["count"]!.GetValue<int>().ShouldBe(0);
        await SendAsync(HttpMethod.Post, "t/_refresh", "");
        (await SendAsync(HttpMethod.Get, "t/_count", "")).Body["count"]!.GetValue<int>().ShouldBe(1);
    }

    [Fact]
    public async Task CreatingAnExistingIndexIsResourceAlreadyExists()
    {
        (await SendAsync(HttpMethod.Put, "t-2026.11", "{}")).Body["index"]!.ToString().ShouldBe("t-2026.11");

        var (status, body, _) = await SendAsync(HttpMethod.Put, "t-2026.11", "{}");

        status.ShouldBe(HttpStatusCode.BadRequest);
        body["error"]!["type"]!.ToString().ShouldBe("resource_already_exists_exception");
        body["error"]!["index"]!.ToString().ShouldBe("t-2026.11");
        body["error"]!["reason"]!.ToString().ShouldStartWith("index [t-2026.11/");
    }

    [Fact]
    public async Task QueryStringJoinsTheBigramsOfOneWordWithTheDefaultOperatorNotAsAPhrase()
    {
        // As Elasticsearch does since 7.0 (no auto_generate_phrase_queries): 退款到账 is 退款 AND 款到 AND 到账.
        await BulkAsync(
            """{"index":{"_index":"t-1","_id":"together"}}""", """{"text":"退款到账很快"}""",
            """{"index":{"_index":"t-1","_id":"apart"}}""", """{"text":"退款申请了，款到了也没到账"}""");

        async Task<string[]> Ids(string query)
        {
            var body = (await SendAsync(HttpMethod.Post, "t/_search", "{\"query\":{\"query_string\":{\"query\":\"" + query + "\",\"default_field\":\"text\",\"default_operator\":\"AND\"}}}")).Body;
            return [.. body["hits"]!["hits"]!.AsArray().Select(h => h!["_id"]!.ToString()).Order(StringComparer.Ordinal)];
        }

        (await Ids("退款到账")).ShouldBe(["apart", "together"]);
        (await Ids("\\\"退款到账\\\"")).ShouldBe(["together"]);
    }

    [Fact]
    public async Task AggregationsAreNamedWithTypedKeysAndKeyedInTheFieldsDateFormat()
    {
        await BulkAsync(
            """{"index":{"_index":"t-1","_id":"1"}}""", """{"tag":"a","at":1793577600000}""",
            """{"index":{"_index":"t-1","_id":"2"}}""", """{"tag":"b","at":1793581200000}""",
            """{"index":{"_index":"t-1","_id":"3"}}""", """{"tag":"a","at":1793750400000}""");

        var body = (await SendAsync(HttpMethod.Post, "t/_search?typed_keys=true", """{"size":0,"aggs":{"days":{"date_histogram":{"field":"at","calendar_interval":"day"},"aggs":{"tags":{"terms":{"field":"tag"}}}}}}""")).Body;

        body["hits"]!["total"]!.ToJsonString().ShouldBe("""{"value":3,"relation":"eq"}""");
        var buckets = body["aggregations"]!["date_histogram#days"]!["buckets"]!.AsArray();
        buckets.Select(b => b!["doc_count"]!.GetValue<int>()).ShouldBe([2, 0, 1]);
        buckets[0]!["key"]!.GetValue<long>().ShouldBe(1793577600000);
        buckets[0]!["key_as_string"]!.ToString().ShouldBe("1793577600000");
        buckets[0]!["sterms#tags"]!["buckets"]!.ToJsonString().ShouldBe("""[{"key":"a","doc_count":1},{"key":"b","doc_count":1}]""");
    }

    /// <summary>
    /// Elasticsearch's date histogram with an IANA time_zone (its reference, "Time zone"): a key is the UTC instant the
    /// local bucket starts, so New York's 1 November 2026, the day the clocks go back, is one 25-hour bucket (decision 259).
    /// </summary>
    [Fact]
    public async Task ADateHistogramInAnIanaZoneKeysBucketsAtTheLocalStartAcrossTheEndOfDaylightSaving()
    {
        static long Ms(int day, int hour, int minute) => new DateTimeOffset(2026, 11, day, hour, minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await BulkAsync(
            """{"index":{"_index":"t-1","_id":"1"}}""", $$"""{"tag":"a","at":{{Ms(1, 4, 30)}}}""",
            """{"index":{"_index":"t-1","_id":"2"}}""", $$"""{"tag":"a","at":{{Ms(1, 5, 30)}}}""",
            """{"index":{"_index":"t-1","_id":"3"}}""", $$"""{"tag":"a","at":{{Ms(1, 6, 30)}}}""",
            """{"index":{"_index":"t-1","_id":"4"}}""", $$"""{"tag":"a","at":{{Ms(2, 4, 30)}}}""",
            """{"index":{"_index":"t-1","_id":"5"}}""", $$"""{"tag":"a","at":{{Ms(2, 5, 30)}}}""");

        async Task<(long Key, int Count)[]> Buckets(string interval)
        {
            var body = (await SendAsync(HttpMethod.Post, "t/_search", """{"size":0,"aggs":{"h":{"date_histogram":{"field":"at","calendar_interval":"INTERVAL","time_zone":"America/New_York","min_doc_count":1}}}}""".Replace("INTERVAL", interval, StringComparison.Ordinal))).Body;
            return [.. body["aggregations"]!["h"]!["buckets"]!.AsArray().Select(b => (b!["key"]!.GetValue<long>(), b["doc_count"]!.GetValue<int>()))];
        }

        // 04:30Z on 2 November is 23:30 EST on the 1st; 05:30Z is 00:30 EST on the 2nd.
        (await Buckets("day")).ShouldBe([(Ms(1, 4, 0), 4), (Ms(2, 5, 0), 1)]);

        // 05:30Z and 06:30Z are both 01:30 local: two hours, not one.
        (await Buckets("hour")).Take(3).ShouldBe([(Ms(1, 4, 0), 1), (Ms(1, 5, 0), 1), (Ms(1, 6, 0), 1)]);
    }

    [Fact]
    public async Task DeletingIndicesByWildcardIsRefusedAsOnAnEightNode()
    {
        await SendAsync(HttpMethod.Put, "t-2026.11", "{}");

        var (status, body, _) = await SendAsync(HttpMethod.Delete, "t-*", "");

        status.ShouldBe(HttpStatusCode.BadRequest);
        body["error"]!["type"]!.ToString().ShouldBe("illegal_argument_exception");
        (await SendAsync(HttpMethod.Delete, "t-2026.11", "")).Body["acknowledged"]!.GetValue<bool>().ShouldBeTrue();
    }

    private async Task<JsonNode> BulkAsync(params string[] lines)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, "_bulk?refresh=true", string.Join('\n', lines) + "\n", "application/x-ndjson");
        status.ShouldBe(HttpStatusCode.OK);
        return body;
    }

    private async Task<(HttpStatusCode Status, JsonNode Body, string? Product)> SendAsync(HttpMethod method, string path, string body, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body.Length > 0)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text)!, response.Headers.TryGetValues("X-Elastic-Product", out var values) ? values.Single() : null);
    }
}
