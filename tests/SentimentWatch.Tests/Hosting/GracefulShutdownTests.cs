using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SentimentWatch.Tests.Hosting;

/// <summary>SIGTERM stops the real service cleanly: the pipeline drains and it exits 0.</summary>
public sealed class GracefulShutdownTests : IDisposable
{
    private const string Key = "drain-test-admin-key-0123456789";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "sw-drain-" + Guid.NewGuid().ToString("N"));

    [UnixOnlyFact]
    public async Task Sigterm_DrainsThePipelineAndExitsZero_AndARestartFindsEverythingOnce()
    {
        // A generous shutdown timeout: the test proves the drain, not its speed (on a loaded machine
        // the complaint cases these 400 mentions open took longer than the default 30 s).
        string[] args = [$"--Storage:DataDirectory={_dataDirectory}", "--Replay:Enabled=false", $"--Auth:ApiKeys:0:Key={Key}", "--Auth:ApiKeys:0:Role=admin", "--Host:ShutdownTimeout=00:03:00"];
        var mentions = Enumerable.Range(0, 400)
            .Select(i => new { source = "app-feedback", externalId = $"fb-{i}", text = $"Lumo refund request drain{i:D4}", publishedAt = DateTimeOffset.UtcNow })
            .ToArray();

        using (var service = ServiceProcess.Start(args))
        {
            using var client = service.Client(Key);
            await service.WaitHealthyAsync(client);
            (await client.PostAsJsonAsync("/api/intake/mentions", mentions)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

            service.Terminate();
            (await service.WaitForExitAsync(TimeSpan.FromMinutes(4))).ShouldBeTrue("the service must stop within its shutdown timeout");
            service.ExitCode.ShouldBe(0, service.Output);
            service.Output.ShouldContain("Pipeline drained", customMessage: service.Output[^Math.Min(4000, service.Output.Length)..]);
        }

        using var restarted = ServiceProcess.Start(args);
        using var again = restarted.Client(Key);
        await restarted.WaitHealthyAsync(again);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement checks;
        do
        {
            checks = (await again.GetFromJsonAsync<JsonElement>("/health")).GetProperty("checks");
            await Task.Delay(100);
        }
        while (checks.GetProperty("store").GetProperty("data").GetProperty("pending").GetInt64() > 0 && DateTime.UtcNow < deadline);

        checks.GetProperty("store").GetProperty("data").GetProperty("processed").GetInt64().ShouldBe(mentions.Length);
        checks.GetProperty("index").GetProperty("data").GetProperty("documents").GetInt64().ShouldBe(mentions.Length);
    }


    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }
}

/// <summary>A test that needs POSIX signals: reported as skipped, with the reason, on Windows (never as a pass).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnixOnlyFactAttribute : FactAttribute
{
    public UnixOnlyFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Windows has no SIGTERM; the hard-kill restart test covers the restart promise there";
        }
    }
}
