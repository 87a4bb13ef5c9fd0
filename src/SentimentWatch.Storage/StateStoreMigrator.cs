using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentimentWatch.Storage;

/// <summary>
/// Creates the data directory and applies every context's migrations before anything else
/// starts (it is registered first, and <see cref="IHostedLifecycleService.StartingAsync"/>
/// runs before other services' StartAsync).
/// </summary>
public sealed class StateStoreMigrator(
    IEnumerable<IStateSchema> schemas,
    IOptions<StorageOptions> options,
    ILogger<StateStoreMigrator> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await PrepareAsync(schemas, options.Value, cancellationToken);
        logger.LogInformation("State store ready at {StatePath}", options.Value.StateDatabasePath);
    }

    /// <summary>Also used by CLI verbs that touch the state store without the full host.</summary>
    public static async Task PrepareAsync(IEnumerable<IStateSchema> schemas, StorageOptions storage, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(storage.ResolveDataDirectory());

        // WAL lets readers (the API) run while the pipeline writes, and survives a hard kill.
        await using (var connection = new SqliteConnection($"Data Source={storage.StateDatabasePath}"))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var schema in schemas)
        {
            await schema.MigrateAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
