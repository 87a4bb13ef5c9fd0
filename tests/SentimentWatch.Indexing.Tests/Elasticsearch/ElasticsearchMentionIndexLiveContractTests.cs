using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.IndexManagement;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Elasticsearch;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// The shared index contract against a live Elasticsearch cluster (docker/docker-compose.yml
/// starts one): set SENTIMENTWATCH_TEST_ELASTICSEARCH_URL, e.g. http://localhost:9200, and
/// optionally ..._USERNAME / ..._PASSWORD and ..._FINGERPRINT (the CA's SHA-256, for a
/// TLS cluster as Elasticsearch 9 starts by default). Each test uses its own index prefix and alias and
/// deletes them afterwards. Skipped (and reported so) without the variable.
/// </summary>
[RequiresEnvironmentVariable(UrlVariable)]
public sealed class ElasticsearchMentionIndexLiveContractTests : MentionIndexContract
{
    public const string UrlVariable = "SENTIMENTWATCH_TEST_ELASTICSEARCH_URL";

    private readonly string prefix = "sw-test-" + Guid.NewGuid().ToString("N")[..12];
    private ElasticsearchClient? client;

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
            CertificateFingerprint = Environment.GetEnvironmentVariable(UrlVariable.Replace("_URL", "_FINGERPRINT", StringComparison.Ordinal)),
            BulkRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        client = ElasticsearchMentionIndex.CreateClient(options);
        return Task.FromResult<IMentionIndex>(new ElasticsearchMentionIndex(client, options));
    }

    protected override async Task CloseIndexAsync(IMentionIndex index)
    {
        (index as IDisposable)?.Dispose();
        if (client is null)
        {
            return;
        }

        // Elasticsearch refuses wildcard index deletes (action.destructive_requires_name), so name them.
        var aliases = await client.Indices.GetAliasAsync(new GetAliasRequest((Names)prefix));
        var names = aliases.Aliases?.Keys.ToList() ?? [];
        if (names.Count > 0)
        {
            (await client.Indices.DeleteAsync(new DeleteIndexRequest(Indices.Parse(string.Join(',', names))))).IsValidResponse.ShouldBeTrue();
        }

        await client.Indices.DeleteIndexTemplateAsync(new DeleteIndexTemplateRequest(prefix));
    }
}
