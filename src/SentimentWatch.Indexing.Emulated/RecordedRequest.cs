namespace SentimentWatch.Indexing.Emulated;

/// <summary>One request as a node received it (the emulated node and the tests' scripted fake record these).</summary>
internal sealed record RecordedRequest(string Method, string Path, string Query, string? ContentType, string Authorization, string Body, string? Accept = null, string? ContentEncoding = null);
