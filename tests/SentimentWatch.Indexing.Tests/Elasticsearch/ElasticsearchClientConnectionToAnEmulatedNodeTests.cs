using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Elastic.Transport;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Elasticsearch;
using SentimentWatch.Indexing.Emulated;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// How <see cref="ElasticsearchMentionIndex.CreateClient"/> turns <c>Index:Elasticsearch</c> into
/// the official client's connection — several nodes with fail-over, TLS pinned by the CA's
/// fingerprint or PEM file, an Elastic Cloud ID — exercised over real sockets against
/// <see cref="EmulatedElasticsearch"/>, an EMULATED node (HTTPS with a certificate made here,
/// signed by a CA made here, as a secured Elasticsearch 9 node starts).
/// </summary>
public sealed class ElasticsearchClientConnectionToAnEmulatedNodeTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task SeveralNodesFailOverFromADeadNodeToALiveOne()
    {
        await using var node = await EmulatedElasticsearch.StartAsync();
        var options = Options(node.Url);
        options.Url = null;
        options.Nodes = [DeadNode(), node.Url];
        using var index = new ElasticsearchMentionIndex(options);

        await index.UpsertAsync([TestMentions.Create("a", "refund please")], None);
        var found = await index.SearchAsync(new MentionSearch { Filter = new MentionFilter { Query = "refund" } }, None);

        found.Hits.Select(h => h.Mention.Id).ShouldBe(["a"]);
        (await index.HealthAsync(None)).Healthy.ShouldBeTrue();
    }

    [Fact]
    public async Task ASingleDeadNodeMakesHealthUnhealthyAndNamesTheAddress()
    {
        var dead = DeadNode();
        using var index = new ElasticsearchMentionIndex(Options(dead));

        var health = await index.HealthAsync(None);

        health.Healthy.ShouldBeFalse();
        health.Detail.ShouldNotBeNull().ShouldContain(dead.Authority);
    }

    [Fact]
    public async Task TlsPinnedByFingerprintIsTrustedAndAnotherFingerprintIsRefused()
    {
        using var authority = CertificateAuthority();
        using var serving = ServerCertificate(authority);
        await using var node = await EmulatedElasticsearch.StartAsync(certificate: serving, authority: authority);
        node.Url.Scheme.ShouldBe("https");

        // The client accepts a fingerprint matching any certificate of the chain it is shown or the
        // node's own. Kestrel never sends a self-signed root along (a node's keystore usually does),
        // so this pins the node's certificate, in the colon form `openssl x509 -fingerprint` prints.
        var pinned = Options(node.Url);
        pinned.CertificateFingerprint = string.Join(':', Convert.ToHexString(SHA256.HashData(serving.RawData)).Chunk(2).Select(pair => new string(pair)));
        using (var index = new ElasticsearchMentionIndex(pinned))
        {
            await index.UpsertAsync([TestMentions.Create("a", "refund")], None);
            (await index.HealthAsync(None)).DocumentCount.ShouldBe(1);
        }

        var wrong = Options(node.Url);
        wrong.CertificateFingerprint = new string('A', 64);
        using var refused = new ElasticsearchMentionIndex(wrong);
        (await refused.HealthAsync(None)).Healthy.ShouldBeFalse();
        node.Requests.Count(r => r.Path == "_cluster/health").ShouldBe(1);
    }

    [Fact]
    public async Task TlsPinnedByTheCaPemFileIsTrustedAndAnUnknownCaIsRefused()
    {
        using var authority = CertificateAuthority();
        using var serving = ServerCertificate(authority);
        await using var node = await EmulatedElasticsearch.StartAsync(certificate: serving, authority: authority);
        var pem = Path.Combine(Path.GetTempPath(), $"sw-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(pem, authority.ExportCertificatePem());
        using var other = CertificateAuthority();
        var otherPem = Path.Combine(Path.GetTempPath(), $"sw-ca-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(otherPem, other.ExportCertificatePem());
        try
        {
            var trusted = Options(node.Url);
            trusted.CertificateAuthorityPath = pem;
            using var index = new ElasticsearchMentionIndex(trusted);
            (await index.HealthAsync(None)).Healthy.ShouldBeTrue();

            var untrusted = Options(node.Url);
            untrusted.CertificateAuthorityPath = otherPem;
            using var refused = new ElasticsearchMentionIndex(untrusted);
            (await refused.HealthAsync(None)).Healthy.ShouldBeFalse();
        }
        finally
        {
            File.Delete(pem);
            File.Delete(otherPem);
        }
    }

    [Fact]
    public void ACloudIdBecomesTheDeploymentsHttpsEndpointWithTheApiKey()
    {
        // name:base64("host$elasticsearch-uuid$kibana-uuid"), as the Elastic Cloud console shows it.
        var cloudId = "sentimentwatch:" + Convert.ToBase64String("europe-west1.gcp.cloud.es.io:443$0123456789abcdef$fedcba9876543210"u8.ToArray());

        var client = ElasticsearchMentionIndex.CreateClient(new ElasticsearchIndexOptions { CloudId = cloudId, ApiKey = "a2V5OnNlY3JldA==" });

        var settings = client.ElasticsearchClientSettings;
        settings.NodePool.ShouldBeOfType<CloudNodePool>();
        settings.NodePool.Nodes.Single().Uri.ShouldBe(new Uri("https://0123456789abcdef.europe-west1.gcp.cloud.es.io:443"));
        settings.Authentication.ShouldBeOfType<ApiKey>();
    }

    private static ElasticsearchIndexOptions Options(Uri url) => new()
    {
        Url = url,
        IndexPrefix = "sw-mentions",
        Alias = "sw-mentions",
        RequestTimeout = TimeSpan.FromSeconds(10),
        BulkRetryDelay = TimeSpan.FromMilliseconds(10),
    };

    /// <summary>An address nothing listens on: a port the OS handed out and that was closed again.</summary>
    private static Uri DeadNode()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static X509Certificate2 CertificateAuthority()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=SentimentWatch test CA", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 ServerCertificate(X509Certificate2 authority)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var signed = request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));
        using var withKey = signed.CopyWithPrivateKey(key);
        // Through PKCS#12 so Kestrel's TLS stack gets a persisted key on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
