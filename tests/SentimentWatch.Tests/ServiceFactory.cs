using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace SentimentWatch.Tests;

/// <summary>
/// The real host (SQLite file, Lucene index on disk, the pipeline) in the Testing environment,
/// over its own temporary data directory, with one API key per role.
/// </summary>
public sealed class ServiceFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string AnalystKey = "test-analyst-key-0123456789";
    public const string SupportKey = "test-support-key-0123456789";
    public const string PrKey = "test-pr-key-0123456789abc";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "sw-host-" + Guid.NewGuid().ToString("N"));

    public bool ConfigureKeys { get; init; } = true;

    /// <summary>More settings for one test (a crawl source, a rule), applied after the defaults.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Replay samples/demo-mentions.jsonl (as a first run does), fast.</summary>
    public bool ReplayDemo { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Replay:Enabled", ReplayDemo ? "true" : "false");
        builder.UseSetting("Replay:BatchSize", "200");
        builder.UseSetting("Replay:Interval", "00:00:00.100");
        builder.UseSetting("Pipeline:PollInterval", "00:00:00.200");
        // The heap bound is process-wide, and a test process runs many services side by side: only the test of the bound sets it.
        builder.UseSetting("Host:HeapBoundMiB", "0");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (ConfigureKeys)
        {
            var keys = new[] { (AdminKey, "admin"), (AnalystKey, "analyst"), (SupportKey, "support"), (PrKey, "pr") };
            for (var i = 0; i < keys.Length; i++)
            {
                builder.UseSetting($"Auth:ApiKeys:{i}:Key", keys[i].Item1);
                builder.UseSetting($"Auth:ApiKeys:{i}:Role", keys[i].Item2);
            }
        }
    }

    public HttpClient ClientWithKey(string? key)
    {
        var client = CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    /// <summary>Why the host did not start, when it did not.</summary>
    public Exception? StartFailure { get; private set; }

    protected override IHost CreateHost(IHostBuilder builder)
    {
        try
        {
            return base.CreateHost(builder);
        }
        catch (Exception failure)
        {
            StartFailure = failure;
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        catch (ArgumentNullException) when (StartFailure is not null)
        {
            // A host whose start threw cannot stop (its hosted services were never resolved); the
            // start's own exception is the test's failure, and must not be replaced by this one.
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing background thread; the temp folder is the OS's to clean.
        }
    }

    /// <summary>Polls /health until the store reports nothing pending and at least <paramref name="processed"/> processed.</summary>
    public static async Task<JsonElement> WaitForProcessedAsync(HttpClient client, long processed, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        JsonElement store = default;
        while (DateTime.UtcNow < deadline)
        {
            var health = await client.GetFromJsonAsync<JsonElement>("/health");
            store = health.GetProperty("checks").GetProperty("store").GetProperty("data");
            if (store.GetProperty("pending").GetInt64() == 0 && store.GetProperty("processed").GetInt64() >= processed)
            {
                return health;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"Mentions were not processed in time; last store counts: {store}");
    }
}
