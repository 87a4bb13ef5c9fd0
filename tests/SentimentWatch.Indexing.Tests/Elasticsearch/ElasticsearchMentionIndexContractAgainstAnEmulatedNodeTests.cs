using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Elasticsearch;
using SentimentWatch.Indexing.Emulated;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// The whole shared index contract, through the real <see cref="ElasticsearchMentionIndex"/> and
/// real HTTP, against <see cref="EmulatedElasticsearch"/>: an EMULATED node built from the
/// documented REST API on Lucene.NET (no Elasticsearch can run here). It analyses with the
/// template the client puts, so analysis, query DSL, sorting, paging and aggregation mistakes in
/// the client fail here; the live suite (<see cref="ElasticsearchMentionIndexLiveContractTests"/>)
/// stays the final word on a real cluster.
/// </summary>
public sealed class ElasticsearchMentionIndexContractAgainstAnEmulatedNodeTests : MentionIndexContract
{
    private EmulatedElasticsearch node = null!;

    protected override async Task<IMentionIndex> OpenIndexAsync()
    {
        node = await EmulatedElasticsearch.StartAsync();
        var options = new ElasticsearchIndexOptions
        {
            Url = node.Url,
            IndexPrefix = "sw-mentions",
            Alias = "sw-mentions",
            BulkRetryDelay = TimeSpan.FromMilliseconds(10),
        };
        return new ElasticsearchMentionIndex(options);
    }

    protected override async Task CloseIndexAsync(IMentionIndex index)
    {
        await base.CloseIndexAsync(index);
        await node.DisposeAsync();
    }
}
