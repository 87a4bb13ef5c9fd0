using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Elasticsearch;

namespace SentimentWatch.Indexing;

/// <summary>
/// Opens the index before anything else starts: a Lucene folder held by another process or an
/// Elasticsearch cluster that cannot be reached stops the service at once, with the setting
/// named (a <see cref="SentimentWatch.Core.Hosting.StartupFaultException"/>), instead of failing
/// every batch after a healthy-looking start.
/// </summary>
public sealed class IndexStartupCheck(IServiceProvider services) : IHostedLifecycleService
{
    // Resolved here, not injected: after the state store has locked the data directory.
    public Task StartingAsync(CancellationToken cancellationToken) =>
        MentionIndexes.Engine(services.GetRequiredService<IMentionIndex>()) is ElasticsearchMentionIndex elasticsearch ? elasticsearch.PrepareAsync(cancellationToken) : Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
