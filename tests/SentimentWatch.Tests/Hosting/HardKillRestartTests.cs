using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// The at-least-once, idempotent promise, proven on a real process: mentions are accepted,
/// the service is killed hard (SIGKILL) while the pipeline is part-way through them, and after
/// a restart on the same data directory every mention is stored exactly once.
/// </summary>
public sealed class HardKillRestartTests(ITestOutputHelper output) : IDisposable
{
    private const int Total = 3_000;
    private const string Key = "kill-test-admin-key-0123456789";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "sw-kill-" + Guid.NewGuid().ToString("N"));

    private string[] Args =>
    [
        $"--Storage:DataDirectory={_dataDirectory}",
        "--Replay:Enabled=false",
        $"--Auth:ApiKeys:0:Key={Key}",
        "--Auth:ApiKeys:0:Role=admin",

        // Small batches, refreshed, observed and committed every 100 ms: many index commits, so the kill lands between and
        // inside them. With the defaults (a refresh every 2 s behind a backlog, a commit every 2 s) a quiet machine indexed all
        // the mentions before the first commit, so "processed" went from 0 to all at once and the kill landed after the work.
        "--Pipeline:BatchSize=8",
        "--Pipeline:ChannelCapacity=64",
        "--Pipeline:RefreshInterval=00:00:00.100",
        "--Pipeline:MinRefreshInterval=00:00:00.050",
        "--Pipeline:BacklogRefreshInterval=00:00:00.100",
        "--Pipeline:CommitInterval=00:00:00.100",
        "--Pipeline:MaxUncommitted=16",
    ];

    [Fact]
    public async Task KilledMidBatch_RestartLosesNothingAndDuplicatesNothing()
    {
        var batches = Enumerable.Range(0, Total)
            .Select(i => new
            {
                source = "call-centre",
                externalId = $"ticket-{i:D5}",
                text = $"绿莫 退款 投诉 第{i}号 Lumo refund complaint uniq{i:D5}",
                publishedAt = DateTimeOffset.UtcNow.AddMinutes(-i % 600),
                reach = i,
            })
            .Chunk(500)
            .ToList();

        long processedAtKill;
        using (var first = ServiceProcess.Start(Args))
        {
            using var client = ClientFor(first);
            await first.WaitHealthyAsync(client);
            foreach (var batch in batches)
            {
                (await client.PostAsJsonAsync("/api/intake/mentions", batch)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
            }

            processedAtKill = await WaitUntilAsync(client, c => c.Processed > 0, TimeSpan.FromSeconds(60));
            first.KillHard();
            (await first.WaitForExitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        }

        output.WriteLine($"killed with {processedAtKill} of {Total} processed");
        processedAtKill.ShouldBeLessThan(Total, "the kill must land while the pipeline is part-way through");

        using var second = ServiceProcess.Start(Args);
        using var restarted = ClientFor(second);
        await second.WaitHealthyAsync(restarted);
        await WaitUntilAsync(restarted, c => c.Pending == 0 && c.Processed == Total, TimeSpan.FromSeconds(120));

        // Accepting the whole set again is a no-op.
        var again = 0;
        foreach (var batch in batches)
        {
            var receipt = await (await restarted.PostAsJsonAsync("/api/intake/mentions", batch)).Content.ReadFromJsonAsync<JsonElement>();
            again += receipt.GetProperty("accepted").GetInt32();
        }

        again.ShouldBe(0);
        var health = await restarted.GetFromJsonAsync<JsonElement>("/health");
        health.GetProperty("checks").GetProperty("index").GetProperty("data").GetProperty("documents").GetInt64().ShouldBe(Total);
        health.GetProperty("checks").GetProperty("store").GetProperty("data").GetProperty("parked").GetInt64().ShouldBe(0);

        // Spot-check single mentions across the range, including those around the kill point.
        foreach (var i in new[] { 0, (int)processedAtKill - 1, (int)processedAtKill, (int)processedAtKill + 1, Total - 1 }.Where(i => i is >= 0 and < Total).Distinct())
        {
            var page = await restarted.GetFromJsonAsync<JsonElement>($"/api/mentions?q=uniq{i:D5}");
            page.GetProperty("total").GetInt64().ShouldBe(1, $"mention {i} must be stored exactly once");
        }
    }

    private static HttpClient ClientFor(ServiceProcess service)
    {
        var client = new HttpClient { BaseAddress = new Uri(service.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return client;
    }

    private sealed record StoreCounts(long Pending, long Processed);

    private static async Task<long> WaitUntilAsync(HttpClient client, Func<StoreCounts, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        StoreCounts counts = new(-1, -1);
        while (DateTime.UtcNow < deadline)
        {
            var data = (await client.GetFromJsonAsync<JsonElement>("/health")).GetProperty("checks").GetProperty("store").GetProperty("data");
            counts = new StoreCounts(data.GetProperty("pending").GetInt64(), data.GetProperty("processed").GetInt64());
            if (condition(counts))
            {
                return counts.Processed;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"store counts never reached the expected state; last: {counts}");
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
