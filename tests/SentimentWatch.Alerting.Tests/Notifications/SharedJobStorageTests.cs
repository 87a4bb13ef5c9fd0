using System.Collections.Concurrent;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Storage;
using SentimentWatch.Testing;
using Shouldly;

namespace SentimentWatch.Alerting.Tests.Notifications;

/// <summary>Hangfire sets <c>JobStorage.Current</c> process-wide: these tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SharedJobStorageCollection
{
    public const string Name = "shared job storage";
}

/// <summary>
/// Hangfire on the real PostgreSQL state database (decision 146): three workers built with
/// <c>AddBackgroundJobs()</c> as the service builds them, an api worker (no job server) and two
/// alerting workers. The job is a stand-in with the notification job's shape (an id in, at-least-once
/// delivery), recorded in this process, not <c>NotificationDelivery</c> with its outbox.
/// </summary>
[Collection(SharedJobStorageCollection.Name)]
public sealed class SharedJobStorageTests : IAsyncLifetime
{
    private PostgresTestDatabase _database = null!;

    // Twenty characters: PostgresTestServer cuts names at 56 and fails on shorter ones (reported).
    public async Task InitializeAsync() => _database = await PostgresTestServer.CreateDatabaseAsync("hangfirenotification");

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task ANotificationQueuedByAnApiWorker_RunsOnceOnTheAlertingWorkers()
    {
        using var api = Worker("api");
        using var alertingA = Worker("alerting");
        using var alertingB = Worker("alerting");
        await Task.WhenAll(api.StartAsync(), alertingA.StartAsync(), alertingB.StartAsync());
        api.Services.GetServices<IHostedService>().ShouldNotContain(s => s.GetType().FullName!.StartsWith("Hangfire", StringComparison.Ordinal));

        var notification = "alert-" + Guid.NewGuid().ToString("N");
        var jobId = api.Services.GetRequiredService<IBackgroundJobClient>().Enqueue(() => RecordedNotification.Deliver(notification));

        await RecordedNotification.WaitForAsync(notification, TimeSpan.FromSeconds(30));
        var storage = api.Services.GetRequiredService<JobStorage>();
        await WaitUntilAsync(() => storage.GetMonitoringApi().JobDetails(jobId)?.History.FirstOrDefault()?.StateName == "Succeeded", TimeSpan.FromSeconds(30));
        await Task.WhenAll(api.StopAsync(), alertingA.StopAsync(), alertingB.StopAsync());

        RecordedNotification.Deliveries[notification].ShouldBe(1);
        storage.ShouldBeOfType<Hangfire.PostgreSql.PostgreSqlStorage>();
    }

    private IHost Worker(string roles)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:Roles"] = roles,
            ["Storage:Provider"] = "postgresql",
            ["Storage:ConnectionString"] = _database.ConnectionString,
        });
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        builder.AddBackgroundJobs((_, server) => server.SchedulePollingInterval = TimeSpan.FromSeconds(1));
        return builder.Build();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the job did not reach Succeeded in time");
            await Task.Delay(100);
        }
    }
}

/// <summary>The stand-in notification job: counts deliveries per id and signals each one.</summary>
public static class RecordedNotification
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Signals = new();

    public static ConcurrentDictionary<string, int> Deliveries { get; } = new();

    public static void Deliver(string id)
    {
        Deliveries.AddOrUpdate(id, 1, (_, n) => n + 1);
        Signals.GetOrAdd(id, _ => new SemaphoreSlim(0)).Release();
    }

    public static async Task WaitForAsync(string id, TimeSpan timeout)
    {
        (await Signals.GetOrAdd(id, _ => new SemaphoreSlim(0)).WaitAsync(timeout)).ShouldBeTrue($"notification {id} was not delivered in {timeout}");
    }
}
