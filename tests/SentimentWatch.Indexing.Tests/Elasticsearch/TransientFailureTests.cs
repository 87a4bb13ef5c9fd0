using System.Net;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Elasticsearch;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// Which Elasticsearch failures tell the pipeline to wait for the cluster (decision 249) rather than park a mention: the
/// statuses Elasticsearch documents for an overloaded or unavailable cluster (429 for a tripped circuit breaker or a read-only
/// index past the disk flood stage, 502/503/504), not a mapping or parsing refusal of one document (400).
/// </summary>
public sealed class TransientFailureTests
{
    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(null, false)]
    public void A_request_refused_for_the_clusters_sake_is_transient(HttpStatusCode? status, bool transient) =>
        ((ITransientIndexFailure)new ElasticsearchException("refused", status)).Transient.ShouldBe(transient);

    [Fact]
    public void A_bulk_is_transient_only_when_every_item_was_refused_for_the_clusters_sake()
    {
        new MentionIndexRejectedException([new BulkRejection("a", 429, "cluster_block_exception"), new BulkRejection("b", 429, "cluster_block_exception")]).Transient.ShouldBeTrue();
        new MentionIndexRejectedException([new BulkRejection("a", 429, "cluster_block_exception"), new BulkRejection("b", 400, "mapper_parsing_exception")]).Transient.ShouldBeFalse();
        new MentionIndexRejectedException([new BulkRejection("a", 400, "mapper_parsing_exception")]).Transient.ShouldBeFalse();
    }
}
