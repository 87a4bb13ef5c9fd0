namespace SentimentWatch.Indexing.Tests;

public sealed class IndexOptionsValidatorTests
{
    private static readonly string CloudId = "sentimentwatch:" + Convert.ToBase64String("europe-west1.gcp.cloud.es.io:443$0123456789abcdef$fedcba9876543210"u8.ToArray());

    [Fact]
    public void ReportsEveryBadElasticsearchSettingAtOnceByItsKey()
    {
        var options = new IndexOptions
        {
            Provider = "elasticsearch",
            Elasticsearch = new ElasticsearchIndexOptions
            {
                Nodes = [new Uri("http://es-1:9200"), new Uri("https://es-2:9200"), new Uri("ftp://es-3")],
                CertificateFingerprint = "not-a-fingerprint",
                Username = "elastic",
                MaxRetries = -1,
                IndexPrefix = "Mentions",
            },
        };

        var failures = new IndexOptionsValidator().Validate(null, options).Failures!.ToList();

        failures.ShouldContain(f => f.Contains("Index:Elasticsearch:Url/Nodes entry 'ftp://es-3/'", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("mix http and https", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Index:Elasticsearch:CertificateFingerprint is not a SHA-256 fingerprint", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("plain http", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Index:Elasticsearch:Username and Index:Elasticsearch:Password go together", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Index:Elasticsearch:MaxRetries is -1", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("Index:Elasticsearch:IndexPrefix 'Mentions'", StringComparison.Ordinal));
        failures.Count.ShouldBe(7);
    }

    [Fact]
    public void ACloudIdNeedsCredentialsAndExcludesNodeAddresses()
    {
        var failures = new IndexOptionsValidator().Validate(null, new IndexOptions
        {
            Provider = "elasticsearch",
            Elasticsearch = new ElasticsearchIndexOptions { CloudId = CloudId, Url = new Uri("https://localhost:9200") },
        }).Failures!.ToList();

        failures.ShouldContain(f => f.Contains("CloudId and Index:Elasticsearch:Url/Nodes are both set", StringComparison.Ordinal));
        failures.ShouldContain(f => f.Contains("CloudId needs credentials", StringComparison.Ordinal));
        new IndexOptionsValidator().Validate(null, new IndexOptions
        {
            Provider = "elasticsearch",
            Elasticsearch = new ElasticsearchIndexOptions { CloudId = "no-base64-here:%%%", ApiKey = "a2V5OnNlY3JldA==" },
        }).Failures!.ShouldHaveSingleItem().ShouldContain("is not an Elastic Cloud ID");
    }

    [Fact]
    public void NoAddressAtAllIsNamed()
    {
        new IndexOptionsValidator().Validate(null, new IndexOptions { Provider = "elasticsearch" })
            .Failures!.ShouldHaveSingleItem().ShouldStartWith("Index:Elasticsearch:Url is not set");
    }

    [Theory]
    [InlineData("url")]
    [InlineData("nodes")]
    [InlineData("cloud")]
    public void EachWayToReachAClusterIsAccepted(string way)
    {
        var es = way switch
        {
            "url" => new ElasticsearchIndexOptions { Url = new Uri("https://localhost:9200"), CertificateFingerprint = "a5:" + new string('0', 62), Username = "elastic", Password = "changeme" },
            "nodes" => new ElasticsearchIndexOptions { Nodes = [new Uri("http://es-1:9200"), new Uri("http://es-2:9200")], ApiKey = "a2V5OnNlY3JldA==", MaxRetries = 2 },
            _ => new ElasticsearchIndexOptions { CloudId = CloudId, ApiKey = "a2V5OnNlY3JldA==" },
        };

        new IndexOptionsValidator().Validate(null, new IndexOptions { Provider = "elasticsearch", Elasticsearch = es }).Succeeded.ShouldBeTrue();
    }
}
