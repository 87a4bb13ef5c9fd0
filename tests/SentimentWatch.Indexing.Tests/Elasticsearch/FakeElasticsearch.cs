using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SentimentWatch.Indexing.Emulated;

namespace SentimentWatch.Indexing.Tests.Elasticsearch;

/// <summary>
/// A stand-in for an Elasticsearch node (none can run in the test environment): a real HTTP
/// server on 127.0.0.1 that records every request and answers with responses shaped like the
/// examples in the Elasticsearch REST API reference, with the <c>X-Elastic-Product</c> header
/// a real node sends. It does not search; tests script what each endpoint answers. Used only for
/// the faults a working node cannot be made to produce (429 push-back, refused items, errors, a
/// server that is not Elasticsearch); everything else runs against <c>EmulatedElasticsearch</c>.
/// </summary>
internal sealed class FakeElasticsearch : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Queue<(int Status, string Body)>> scripted = new(StringComparer.Ordinal);
    private WebApplication app = null!;

    public List<RecordedRequest> Requests { get; } = [];

    public bool SendProductHeader { get; set; } = true;

    public Uri Url { get; private set; } = null!;

    public static async Task<FakeElasticsearch> StartAsync()
    {
        var fake = new FakeElasticsearch();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        fake.app = builder.Build();
        fake.app.Run(fake.HandleAsync);
        await fake.app.StartAsync();
        fake.Url = new Uri(fake.app.Urls.First() + "/");
        return fake;
    }

    /// <summary>What <paramref name="method"/> <paramref name="path"/> answers next; the last scripted answer repeats.</summary>
    public void Respond(string method, string path, string body, int status = 200) =>
        scripted.GetOrAdd($"{method} {path}", _ => new Queue<(int, string)>()).Enqueue((status, body));

    public IEnumerable<RecordedRequest> To(string method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        var body = await EmulatedElasticsearch.ReadBodyAsync(context.Request);
        var path = context.Request.Path.Value!.TrimStart('/');
        lock (Requests)
        {
            Requests.Add(new RecordedRequest(
                context.Request.Method,
                path,
                context.Request.QueryString.Value ?? string.Empty,
                context.Request.ContentType,
                context.Request.Headers.Authorization.ToString(),
                body,
                context.Request.Headers.Accept.ToString(),
                context.Request.Headers.ContentEncoding.ToString()));
        }

        var (status, answer) = Next($"{context.Request.Method} {path}");
        if (SendProductHeader)
        {
            context.Response.Headers["X-Elastic-Product"] = "Elasticsearch";
        }

        context.Response.StatusCode = status;
        // As a node answers: the versioned type when the client asked for REST API compatibility
        // (the official client does on every call but _bulk, which it sends as plain x-ndjson/json).
        context.Response.ContentType = context.Request.Headers.Accept.ToString().Contains("compatible-with", StringComparison.Ordinal)
            ? EmulatedElasticsearch.CompatibleJson
            : "application/json";
        await context.Response.WriteAsync(answer);
    }

    private (int Status, string Body) Next(string key)
    {
        if (scripted.TryGetValue(key, out var queue) && queue.Count > 0)
        {
            lock (queue)
            {
                return queue.Count > 1 ? queue.Dequeue() : queue.Peek();
            }
        }

        // From the reference: PUT _index_template and PUT <index> acknowledge.
        if (key.StartsWith("PUT _index_template/", StringComparison.Ordinal))
        {
            return (200, """{"acknowledged":true}""");
        }

        if (key.StartsWith("PUT ", StringComparison.Ordinal))
        {
            return (200, $$"""{"acknowledged":true,"shards_acknowledged":true,"index":"{{key[4..]}}"}""");
        }

        return (404, """{"error":{"root_cause":[{"type":"unscripted","reason":"the test did not script this"}],"type":"unscripted","reason":"the test did not script this"},"status":404}""");
    }
}
