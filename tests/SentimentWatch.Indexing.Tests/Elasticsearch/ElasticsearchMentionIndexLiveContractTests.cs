using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Elasticsearch;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// The shared index contract against a live Elasticsearch cluster (docker/docker-compose.yml
/// starts one): set SENTIMENTWATCH_TEST_ELASTICSEARCH_URL, e.g. http://localhost:9200, and
/// optionally ..._USERNAME / ..._PASSWORD. Each test uses its own index prefix and alias and
/// deletes them afterwards. Skipped (and reported so) without the variable.
/// </summary>
[RequiresEnvironmentVariable(UrlVariable)]
public sealed class ElasticsearchMentionIndexLiveContractTests : MentionIndexContract
{
    public const string UrlVariable = "SENTIMENTWATCH_TEST_ELASTICSEARCH_URL";

    private readonly string prefix = "sw-test-" + Guid.NewGuid().ToString("N")[..12];
    private HttpClient? client;

    protected override Task<IMentionIndex> OpenIndexAsync()
    {
        var url = Environment.GetEnvironmentVariable(UrlVariable);
        var options = new ElasticsearchIndexOptions
        {
            Url = new Uri(string.IsNullOrEmpty(url) ? "http://127.0.0.1:9" : url),
            IndexPrefix = prefix,
            Alias = prefix,
            Username = Environment.GetEnvironmentVariable(UrlVariable.Replace("_URL", "_USERNAME", StringComparison.Ordinal)),
            Password = Environment.GetEnvironmentVariable(UrlVariable.Replace("_URL", "_PASSWORD", StringComparison.Ordinal)),
            BulkRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        client = ElasticsearchMentionIndex.CreateHttpClient(options);
        if (ElasticsearchMentionIndex.AuthorizationFor(options) is { } authorization)
        {
            client.DefaultRequestHeaders.Authorization = authorization;
        }

        return Task.FromResult<IMentionIndex>(new ElasticsearchMentionIndex(ElasticsearchMentionIndex.CreateHttpClient(options), options, ownsClient: true));
    }

    protected override async Task CloseIndexAsync(IMentionIndex index)
    {
        (index as IDisposable)?.Dispose();
        if (client is null)
        {
            return;
        }

        try
        {
            // Elasticsearch 8 refuses wildcard index deletes (action.destructive_requires_name), so name them.
            var aliases = await client.GetStringAsync($"_alias/{prefix}");
            var names = System.Text.Json.Nodes.JsonNode.Parse(aliases)!.AsObject().Select(pair => pair.Key).ToList();
            if (names.Count > 0)
            {
                (await client.DeleteAsync(string.Join(',', names))).EnsureSuccessStatusCode();
            }

            (await client.DeleteAsync($"_index_template/{prefix}")).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException)
        {
            // Nothing to clean up when the cluster was never reached.
        }

        client.Dispose();
    }
}
