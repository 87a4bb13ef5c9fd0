using Microsoft.Extensions.Options;

namespace SentimentWatch.Storage;

/// <summary>Where the service keeps its state (SQLite) and, by default, its index.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// Folder for state.db, the index and generated secrets. Relative paths are taken from the
    /// current directory. Default: <c>./data</c>.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Which database holds the state (ledger, crawl state, alerting, cases, console users):
    /// <c>sqlite</c> (default: <c>state.db</c> in <see cref="DataDirectory"/>, nothing to install)
    /// or <c>postgresql</c> (<see cref="ConnectionString"/>; shared by several workers).
    /// </summary>
    public StateStoreProvider Provider { get; set; } = StateStoreProvider.Sqlite;

    /// <summary>
    /// Npgsql connection string when <see cref="Provider"/> is <c>postgresql</c>
    /// (e.g. <c>Host=db;Database=sentimentwatch;Username=sw;Password=…</c>; put the password in the
    /// environment: <c>Storage__ConnectionString</c>). Ignored for SQLite.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long a writer waits for SQLite's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// SQLite page cache of the ledger's writer connection, in MiB (SQLite's default is 2): the
    /// intake's inserts land at random places in the id index, so the writer keeps as much of it
    /// in memory as this allows (decision 204). Memory is taken only as pages are read.
    /// </summary>
    public int LedgerCacheMiB { get; set; } = 64;

    /// <summary>
    /// How often the SQLite state database's write-ahead log is copied back into the database, on a thread of its own
    /// (decision 234): 00:00:00.100 to 00:01:00. Ignored for PostgreSQL.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    /// <summary>
    /// Creates the data directory when it is missing, readable by the service's user only (0700 on Linux and macOS): it holds
    /// the state database (console password hashes, cases, mentions), the cookie keys and generated secrets. A folder that
    /// already exists keeps the permissions its owner gave it.
    /// </summary>
    public static string CreateDataDirectory(string directory)
    {
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        return directory;
    }

    public string StateDatabasePath => Path.Combine(ResolveDataDirectory(), "state.db");
}

/// <summary>The database behind the state store.</summary>
public enum StateStoreProvider
{
    Sqlite,
    PostgreSql,
}

public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{StorageOptions.SectionName}:DataDirectory must name a folder");
        }
        else if (options.DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"{StorageOptions.SectionName}:DataDirectory '{options.DataDirectory}' is not a valid path");
        }

        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"{StorageOptions.SectionName}:Provider must be sqlite or postgresql (was {options.Provider})");
        }
        else if (options.Provider == StateStoreProvider.PostgreSql && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{StorageOptions.SectionName}:ConnectionString must be set when {StorageOptions.SectionName}:Provider is postgresql (e.g. Host=localhost;Database=sentimentwatch;Username=sw; the password from the environment variable Storage__ConnectionString)");
        }

        if (options.LedgerCacheMiB is < 1 or > 4096)
        {
            failures.Add($"{StorageOptions.SectionName}:LedgerCacheMiB must be between 1 and 4096 (was {options.LedgerCacheMiB})");
        }

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{StorageOptions.SectionName}:BusyTimeout must be between 00:00:01 and 00:10:00 (was {options.BusyTimeout})");
        }

        if (options.CheckpointInterval < TimeSpan.FromMilliseconds(100) || options.CheckpointInterval > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{StorageOptions.SectionName}:CheckpointInterval must be between 00:00:00.100 and 00:01:00 (was {options.CheckpointInterval})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
