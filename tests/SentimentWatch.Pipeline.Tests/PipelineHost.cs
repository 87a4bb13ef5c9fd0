using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Indexing;
using SentimentWatch.Pipeline;
using SentimentWatch.Storage;
using SentimentWatch.Storage.Mentions;

namespace SentimentWatch.Pipeline.Tests;

/// <summary>A fresh data directory (SQLite state + Lucene index) that outlives the hosts started on it.</summary>
public sealed class DataDirectory : IDisposable
{
    public DataDirectory()
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sw-pipeline-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The host's content root; exists from the start.</summary>
    public string Root { get; }

    /// <summary>Storage:DataDirectory: created by the host's state-store migrator at start.</summary>
    public string Path => System.IO.Path.Combine(Root, "data");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing a test for.
        }
    }
}

/// <summary>
/// The real storage + Lucene index + pipeline wired the way the service host wires them
/// (AddStorage, AddIndexing, AddMentionPipeline), on in-memory configuration.
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    public static readonly IReadOnlyDictionary<string, string?> DefaultSettings = new Dictionary<string, string?>
    {
        ["Replay:Enabled"] = "false",
        ["Pipeline:BatchSize"] = "16",
        ["Pipeline:ChannelCapacity"] = "64",
        ["Pipeline:PollInterval"] = "00:00:00.100",
        ["Pipeline:MaxIndexAttempts"] = "1",
        ["Pipeline:IndexRetryDelay"] = "00:00:00.010",
        ["Watches:0:Id"] = "refunds",
        ["Watches:0:Name"] = "Refunds",
        ["Watches:0:Query"] = "退款 OR refund*",
        ["Watches:1:Id"] = "lumo",
        ["Watches:1:Query"] = "绿莫 OR lumo",
        ["Watches:2:Id"] = "jobs-en",
        ["Watches:2:Query"] = "hiring",
        ["Watches:2:Languages:0"] = "en",
    };

    private PipelineHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IMentionIntake Intake => Host.Services.GetRequiredService<IMentionIntake>();

    public MentionLedger Ledger => Host.Services.GetRequiredService<MentionLedger>();

    public IMentionIndex Index => Host.Services.GetRequiredService<IMentionIndex>();

    public static IHost Build(string dataDirectory, Action<HostApplicationBuilder>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = System.IO.Path.GetDirectoryName(dataDirectory),
            EnvironmentName = "Test",
        });
        var values = new Dictionary<string, string?>(DefaultSettings) { ["Storage:DataDirectory"] = dataDirectory };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.AddStorage();
        builder.AddIndexing();
        builder.AddMentionPipeline();
        configure?.Invoke(builder);
        return builder.Build();
    }

    /// <summary>Wraps the real index the host registers in a test decorator (one that fails on cue).</summary>
    public static Action<HostApplicationBuilder> DecorateIndex(Func<IMentionIndex, IMentionIndex> wrap) => b =>
    {
        var real = b.Services.Last(d => d.ServiceType == typeof(IMentionIndex));
        b.Services.Remove(real);
        b.Services.AddSingleton(sp => wrap((IMentionIndex)real.ImplementationFactory!(sp)));
    };

    public static async Task<PipelineHost> StartAsync(string dataDirectory, Action<HostApplicationBuilder>? configure = null, IDictionary<string, string?>? settings = null)
    {
        var host = Build(dataDirectory, configure, settings);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        return new PipelineHost(host);
    }

    /// <summary>Polls the ledger until nothing is pending and at least <paramref name="settled"/> mentions are processed or parked.</summary>
    public async Task<LedgerCounts> WaitUntilSettledAsync(long settled, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var counts = await Ledger.CountAsync(CancellationToken.None);
            if (counts.Pending == 0 && counts.Processed + counts.Parked >= settled)
            {
                return counts;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The pipeline did not settle {settled} mentions in time: {counts}");
            }

            await Task.Delay(50);
        }
    }

    public async Task<long> DocumentCountAsync() => (await Index.HealthAsync(CancellationToken.None)).DocumentCount;

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await Host.StopAsync(timeout.Token);
        }

        if (Host is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            Host.Dispose();
        }
    }
}

public static class Mentions
{
    private static readonly DateTimeOffset Published = new(2026, 11, 20, 14, 0, 0, TimeSpan.FromHours(8));

    public static Mention Create(string externalId, string text, string source = "weibo", DateTimeOffset? publishedAt = null, string? author = null) => new()
    {
        Id = MentionId.For(source, externalId, null),
        Source = source,
        ExternalId = externalId,
        Url = $"https://weibo.example.com/status/{externalId}",
        Author = author,
        Text = text,
        PublishedAt = publishedAt ?? Published,
        CollectedAt = (publishedAt ?? Published).AddMinutes(5),
    };
}
