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

    /// <summary>How long a writer waits for SQLite's lock before failing.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public string ResolveDataDirectory() => Path.GetFullPath(DataDirectory);

    public string StateDatabasePath => Path.Combine(ResolveDataDirectory(), "state.db");
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

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{StorageOptions.SectionName}:BusyTimeout must be between 00:00:01 and 00:10:00 (was {options.BusyTimeout})");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
