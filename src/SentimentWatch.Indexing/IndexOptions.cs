using Microsoft.Extensions.Options;

namespace SentimentWatch.Indexing;

/// <summary>Where mentions are indexed: the <c>Index</c> section of appsettings.json.</summary>
public sealed class IndexOptions
{
    public const string SectionName = "Index";

    public const string LuceneProvider = "lucene";
    public const string ElasticsearchProvider = "elasticsearch";

    /// <summary><c>lucene</c> (embedded, the default) or <c>elasticsearch</c> (a cluster).</summary>
    public string Provider { get; set; } = LuceneProvider;

    /// <summary>The Lucene index folder; default <c>&lt;Storage:DataDirectory&gt;/index</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>How long mentions are kept (by publish time); null keeps them forever.</summary>
    public TimeSpan? Retention { get; set; }

    /// <summary>How often the retention sweep runs.</summary>
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    public ElasticsearchIndexOptions Elasticsearch { get; set; } = new();
}

/// <summary>
/// How to reach the cluster through the official client (Elastic.Clients.Elasticsearch):
/// <c>Index:Elasticsearch</c>. Give one node (<see cref="Url"/>), several (<see cref="Nodes"/>,
/// tried in turn with the client's retries and dead-node back-off) or an Elastic Cloud deployment
/// (<see cref="CloudId"/>).
/// </summary>
public sealed class ElasticsearchIndexOptions
{
    /// <summary>The cluster's HTTP endpoint, e.g. <c>https://localhost:9200</c>.</summary>
    public Uri? Url { get; set; }

    /// <summary>Several nodes of one cluster; requests go round-robin and fail over (instead of <see cref="Url"/>).</summary>
    public List<Uri> Nodes { get; set; } = [];

    /// <summary>An Elastic Cloud deployment's Cloud ID (instead of node addresses); needs an API key or basic auth.</summary>
    public string? CloudId { get; set; }

    /// <summary>Monthly indices are named <c>&lt;prefix&gt;-yyyy.MM</c>; the template matches <c>&lt;prefix&gt;-*</c>.</summary>
    public string IndexPrefix { get; set; } = "sentimentwatch-mentions";

    /// <summary>The alias every monthly index joins; searches go through it.</summary>
    public string Alias { get; set; } = "sentimentwatch-mentions";

    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Base64 <c>id:api_key</c> as Elasticsearch's create-API-key call returns it (<c>encoded</c>).</summary>
    public string? ApiKey { get; set; }

    /// <summary>PEM file of the CA that signed the cluster's certificate (self-signed clusters).</summary>
    public string? CertificateAuthorityPath { get; set; }

    /// <summary>
    /// The SHA-256 fingerprint of the cluster's CA certificate, hex with or without colons, as
    /// Elasticsearch prints it at first start (instead of <see cref="CertificateAuthorityPath"/>).
    /// </summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>How long one request may take, retries included in neither.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the client retries a request on another node after a connection failure or 502/503/504; null: once per node.</summary>
    public int? MaxRetries { get; set; }

    /// <summary>How often a bulk request is retried for the items the cluster pushed back with 429.</summary>
    public int MaxBulkRetries { get; set; } = 3;

    /// <summary>The first wait before retrying pushed-back bulk items; it doubles each retry.</summary>
    public TimeSpan BulkRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The node addresses configured (<see cref="Url"/> and <see cref="Nodes"/>), without duplicates.</summary>
    public IReadOnlyList<Uri> NodeUris() =>
        [.. (Url is null ? Nodes : Nodes.Prepend(Url)).Distinct()];

    /// <summary>Where the index lives, for logs and health (never the credentials).</summary>
    public string Describe() =>
        !string.IsNullOrWhiteSpace(CloudId) ? $"cloud deployment {CloudId.Split(':')[0]}" : string.Join(", ", NodeUris());
}

/// <summary>Reports every bad index setting at once, by its configuration key.</summary>
public sealed class IndexOptionsValidator : IValidateOptions<IndexOptions>
{
    public ValidateOptionsResult Validate(string? name, IndexOptions options)
    {
        var failures = new List<string>();
        const string section = IndexOptions.SectionName;
        var provider = options.Provider?.Trim().ToLowerInvariant();
        if (provider is not (IndexOptions.LuceneProvider or IndexOptions.ElasticsearchProvider))
        {
            failures.Add($"{section}:Provider is '{options.Provider}'; use 'lucene' or 'elasticsearch'.");
        }

        if (options.Retention is { } retention && retention <= TimeSpan.Zero)
        {
            failures.Add($"{section}:Retention is {retention}; use a positive time span such as '90.00:00:00', or leave it out to keep everything.");
        }

        if (options.RetentionSweepInterval <= TimeSpan.Zero)
        {
            failures.Add($"{section}:RetentionSweepInterval is {options.RetentionSweepInterval}; use a positive time span such as '01:00:00'.");
        }

        if (provider == IndexOptions.LuceneProvider)
        {
            if (string.IsNullOrWhiteSpace(options.Directory) || options.Directory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                failures.Add($"{section}:Directory '{options.Directory}' is not a usable folder path.");
            }
        }

        if (provider == IndexOptions.ElasticsearchProvider)
        {
            ValidateElasticsearch(options.Elasticsearch, failures);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateElasticsearch(ElasticsearchIndexOptions es, List<string> failures)
    {
        const string section = IndexOptions.SectionName + ":Elasticsearch";
        var nodes = es.NodeUris();
        var cloud = !string.IsNullOrWhiteSpace(es.CloudId);
        if (cloud && nodes.Count > 0)
        {
            failures.Add($"{section}:CloudId and {section}:Url/Nodes are both set; give the Cloud ID or the node addresses, not both.");
        }
        else if (!cloud && nodes.Count == 0)
        {
            failures.Add($"{section}:Url is not set; give the cluster's http(s) address (e.g. 'https://localhost:9200'), several in {section}:Nodes, or an Elastic Cloud {section}:CloudId.");
        }

        foreach (var node in nodes)
        {
            if (!node.IsAbsoluteUri || node.Scheme is not ("http" or "https"))
            {
                failures.Add($"{section}:Url/Nodes entry '{node}' is not an http(s) address such as 'https://localhost:9200'.");
            }
        }

        if (nodes.Select(n => n.IsAbsoluteUri ? n.Scheme : "").Distinct().Count() > 1)
        {
            failures.Add($"{section}:Nodes mix http and https; every node of a cluster speaks the same scheme.");
        }

        if (cloud && !IsCloudId(es.CloudId!))
        {
            failures.Add($"{section}:CloudId is not an Elastic Cloud ID ('name:base64' as the deployment page shows it).");
        }

        if (cloud && string.IsNullOrEmpty(es.ApiKey) && string.IsNullOrEmpty(es.Username))
        {
            failures.Add($"{section}:CloudId needs credentials: set {section}:ApiKey or {section}:Username and {section}:Password.");
        }

        if (!string.IsNullOrEmpty(es.CertificateFingerprint) && !IsSha256Fingerprint(es.CertificateFingerprint))
        {
            failures.Add($"{section}:CertificateFingerprint is not a SHA-256 fingerprint (64 hex digits, colons allowed).");
        }

        if (!string.IsNullOrEmpty(es.CertificateFingerprint) && !string.IsNullOrEmpty(es.CertificateAuthorityPath))
        {
            failures.Add($"{section}:CertificateFingerprint and {section}:CertificateAuthorityPath are both set; pin the CA one way.");
        }

        if ((!string.IsNullOrEmpty(es.CertificateFingerprint) || !string.IsNullOrEmpty(es.CertificateAuthorityPath)) && nodes.Any(n => n.IsAbsoluteUri && n.Scheme == "http"))
        {
            failures.Add($"{section}: a CA certificate or fingerprint is set but the nodes are plain http; use https addresses.");
        }

        if (es.MaxRetries is < 0)
        {
            failures.Add($"{section}:MaxRetries is {es.MaxRetries}; use 0 or more, or leave it out to try each node once.");
        }

        if (!IsIndexName(es.IndexPrefix))
        {
            failures.Add($"{section}:IndexPrefix '{es.IndexPrefix}' is not a valid index name (lower case, no spaces or \\/*?\"<>|,#: and not starting with -_+).");
        }

        if (!IsIndexName(es.Alias))
        {
            failures.Add($"{section}:Alias '{es.Alias}' is not a valid index name (lower case, no spaces or \\/*?\"<>|,#: and not starting with -_+).");
        }

        var basic = !string.IsNullOrEmpty(es.Username) || !string.IsNullOrEmpty(es.Password);
        if (basic && (string.IsNullOrEmpty(es.Username) || string.IsNullOrEmpty(es.Password)))
        {
            failures.Add($"{section}:Username and {section}:Password go together; set both or neither.");
        }

        if (basic && !string.IsNullOrEmpty(es.ApiKey))
        {
            failures.Add($"{section}:ApiKey and {section}:Username/Password are both set; use one way to authenticate.");
        }

        if (!string.IsNullOrEmpty(es.CertificateAuthorityPath) && !File.Exists(es.CertificateAuthorityPath))
        {
            failures.Add($"{section}:CertificateAuthorityPath '{es.CertificateAuthorityPath}' does not exist.");
        }

        if (es.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{section}:RequestTimeout is {es.RequestTimeout}; use a positive time span such as '00:00:30'.");
        }

        if (es.BulkRetryDelay < TimeSpan.Zero)
        {
            failures.Add($"{section}:BulkRetryDelay is {es.BulkRetryDelay}; use 0 or a positive time span such as '00:00:00.500'.");
        }

        if (es.MaxBulkRetries < 0)
        {
            failures.Add($"{section}:MaxBulkRetries is {es.MaxBulkRetries}; use 0 or more.");
        }
    }

    private static bool IsSha256Fingerprint(string value)
    {
        var hex = value.Replace(":", "", StringComparison.Ordinal);
        return hex.Length == 64 && hex.All(Uri.IsHexDigit);
    }

    /// <summary>A Cloud ID is <c>name:base64(host$es-uuid$kibana-uuid)</c>.</summary>
    private static bool IsCloudId(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var encoded = colon >= 0 ? value[(colon + 1)..] : value;
        try
        {
            return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(encoded)).Split('$').Length >= 2;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool IsIndexName(string? name) =>
        !string.IsNullOrWhiteSpace(name)
        && name == name.ToLowerInvariant()
        && name.IndexOfAny([' ', '\\', '/', '*', '?', '"', '<', '>', '|', ',', '#', ':']) < 0
        && name[0] is not ('-' or '_' or '+');
}
