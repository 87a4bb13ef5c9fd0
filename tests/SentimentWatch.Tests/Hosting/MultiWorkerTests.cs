using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SentimentWatch.Indexing.Emulated;
using SentimentWatch.Testing;
using Xunit.Abstractions;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// <para>
/// The scaled deployment end to end (issue 20): three real service processes, every role each,
/// on one real PostgreSQL database and the emulated Elasticsearch node (decision 165). The test
/// feeds mentions through the intake API spread over the three workers' ports while two RSS
/// sources fire every few seconds against a local site, kills one worker with SIGKILL mid-run
/// and starts it again, then checks what "once" means for each side effect:
/// </para>
/// <list type="bullet">
/// <item><b>indexed exactly once</b>: the index holds exactly one document per mention (fed +
/// crawled), and no mention id was ever written as a <i>new</i> document twice (a re-write of
/// the same id is an upsert: allowed, it is how a lease taken over replays a batch);</item>
/// <item><b>each fire crawled by one worker</b>: no two requests of one feed ever overlap
/// (a fire crawled by two workers would, as both start at the fire time and each is held), and
/// the feed requests are no more than the fires the schedule allows in the time they span;</item>
/// <item><b>alerts and cases raised once</b>: one incident for the crisis the planted posts make,
/// one signal per rule, one evidence row per mention, at most one case per complaining author;</item>
/// <item><b>notifications at least once, de-duplicated by id</b>: every notification the state
/// database recorded reached the webhook receiver, which de-duplicates by delivery id.</item>
/// </list>
/// <para>
/// The size is 10,000 mentions on CI (about two minutes on two shared cores); the issue's 50,000 is
/// <c>SENTIMENTWATCH_MULTI_WORKER_MENTIONS=50000 dotnet test tests/SentimentWatch.Tests --filter MultiWorker</c>.
/// </para>
/// </summary>
[Collection(MultiWorkerCollection.Name)]
public sealed class MultiWorkerTests(ITestOutputHelper output)
{
    private const string Key = "multi-worker-admin-key-0123456789";
    private const int BatchSize = 500;
    private const int PipelineBatch = 250;
    private static readonly TimeSpan CrawlInterval = TimeSpan.FromSeconds(3);
    private static readonly string[] Feeds = ["harbour-news", "city-forum"];

    // Four processes starting on two shared cores took up to 65 s here (load 23): more than ServiceProcess's minute.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private static int Total => Environment.GetEnvironmentVariable("SENTIMENTWATCH_MULTI_WORKER_MENTIONS") is { Length: > 0 } value
        ? int.Parse(value, CultureInfo.InvariantCulture)
        : 10_000;

    [Fact]
    public async Task ThreeWorkersWithOneKilled_IndexEveryMentionOnce_CrawlEveryFireOnce_AndRaiseAndDeliverEveryAlertOnce()
    {
        var total = Total;
        var clock = Stopwatch.StartNew();
        await using var database = await PostgresTestServer.CreateDatabaseAsync("multiworker");
        await using var node = await EmulatedElasticsearch.StartAsync(recordRequests: false);
        await using var site = await CrawlSite.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var args = Arguments(database.ConnectionString, node.Url, site, receiver);

        var workers = new ServiceProcess[3];
        var clients = new HttpClient[3];
        try
        {
            for (var i = 0; i < workers.Length; i++)
            {
                (workers[i], clients[i]) = StartWorker(i, args);
            }

            for (var i = 0; i < workers.Length; i++)
            {
                await workers[i].WaitHealthyAsync(clients[i], StartTimeout);
            }

            output.WriteLine($"{clock.Elapsed.TotalSeconds:N0} s: three workers healthy; load {Load()}");

            // The feed: distinct mentions, with complaints of a few authors planted in consecutive
            // pipeline batches, so several workers handle one author's posts at the same time.
            var batches = Mentions(total).Chunk(BatchSize).ToArray();
            var next = -1;
            var killed = new TaskCompletionSource<(DateTimeOffset At, long Pending)>(TaskCreationOptions.RunContinuationsAsynchronously);
            var live = new bool[] { true, true, true };

            async Task FeedAsync()
            {
                int b;
                while ((b = Interlocked.Increment(ref next)) < batches.Length)
                {
                    await PostBatchAsync(batches[b], b, clients, live);
                }
            }

            async Task KillAndRestartAsync()
            {
                // Mid-run: a quarter of the feed processed, intake still going.
                await WaitForAsync(async () => (await LedgerAsync(database.ConnectionString)).Processed >= total / 4, TimeSpan.FromMinutes(5), "a quarter of the mentions processed", workers);
                var pending = (await LedgerAsync(database.ConnectionString)).Pending;
                lock (live)
                {
                    live[2] = false;
                }

                workers[2].KillHard();
                (await workers[2].WaitForExitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue("SIGKILL must end the worker");
                killed.SetResult((DateTimeOffset.UtcNow, pending));
                output.WriteLine($"{clock.Elapsed.TotalSeconds:N0} s: worker-2 killed with {pending:N0} pending; load {Load()}");
                workers[2].Dispose();
                clients[2].Dispose();
                await Task.Delay(TimeSpan.FromSeconds(2));
                var (again, client) = StartWorker(2, args);
                workers[2] = again;
                clients[2] = client;
                await again.WaitHealthyAsync(client, StartTimeout);
                lock (live)
                {
                    live[2] = true;
                }

                output.WriteLine($"{clock.Elapsed.TotalSeconds:N0} s: worker-2 restarted; load {Load()}");
            }

            await Task.WhenAll(FeedAsync(), FeedAsync(), FeedAsync(), KillAndRestartAsync());
            var (killedAt, pendingAtKill) = await killed.Task;
            pendingAtKill.ShouldBeGreaterThan(0, "the kill must land while the pipeline still has work");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:N0} s: intake done; load {Load()}");

            // Let the feeds stand still, then wait for everything announced to be processed.
            await Task.Delay(CrawlInterval * 2);
            site.Freeze();
            await Task.Delay(CrawlInterval * 2);
            var expected = total + site.PostsAnnounced;
            await WaitForAsync(async () => (await LedgerAsync(database.ConnectionString)) is { Pending: 0 } l && l.Processed + l.Parked == expected, TimeSpan.FromMinutes(10), $"{expected:N0} mentions processed", workers);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:N0} s: {expected:N0} processed ({site.PostsAnnounced} crawled); load {Load()}");

            // Indexed exactly once.
            var ledger = await LedgerAsync(database.ConnectionString);
            ledger.Parked.ShouldBe(0, "no mention may be parked");
            ledger.Rows.ShouldBe(expected);
            var health = await clients[0].GetFromJsonAsync<JsonElement>("/health");
            health.GetProperty("checks").GetProperty("index").GetProperty("data").GetProperty("documents").GetInt64().ShouldBe(expected, "one document per mention");
            var creations = node.Creations;
            creations.Count.ShouldBe(expected, "every mention created as a document");
            creations.Where(c => c.Value > 1).Select(c => c.Key).ShouldBeEmpty("no mention created as a new document twice");

            // Every fire crawled by one worker.
            site.Overlaps.ShouldBe(0, "two crawls of one feed at once: a fire ran on two workers");
            foreach (var feed in Feeds)
            {
                var hits = site.Hits(feed);
                hits.Count.ShouldBeGreaterThan(3, $"{feed} kept firing");
                // Fires in the span, plus one immediate fire per trigger re-applied at a worker's
                // start (four starts), one recovered crawl of the killed worker, and five for fire
                // times drifting under load (CI on 4 December at load 5: 21 requests over 39 s, 20 allowed
                // with two; CI on 6 December: 23 over 40 s, 22 allowed with three; no overlap either time).
                // A fire run by two workers would double the count: over the ~40 s this runs, ~14 more
                // requests than fires, more than the ten of slack together.
                var span = hits[^1].Started - hits[0].Started;
                var allowed = (int)(span / CrawlInterval) + 1 + 4 + 1 + 5;
                output.WriteLine($"{feed}: {hits.Count} requests over {span.TotalSeconds:N0} s (at most {allowed} fires), by {string.Join(", ", hits.GroupBy(h => Worker(h.UserAgent)).Select(g => $"{g.Key} {g.Count()}"))}");
                hits.Count.ShouldBeLessThanOrEqualTo(allowed, $"{feed}: more requests than fires");
            }

            // Alerts raised once, notifications delivered at least once.
            await using var db = new NpgsqlConnection(database.ConnectionString);
            await db.OpenAsync();
            var incidents = await RowsAsync(db, """SELECT "IncidentKey", count(*) FROM alerts GROUP BY "IncidentKey" ORDER BY 1""");
            output.WriteLine("incidents: " + string.Join(", ", incidents.Select(r => $"{r[0]} ×{r[1]}")));
            incidents.ShouldHaveSingleItem("the planted crisis is one incident");
            incidents[0][0].ShouldBe("lumo");
            Convert.ToInt64(incidents[0][1], CultureInfo.InvariantCulture).ShouldBe(1, "the crisis opened once");
            (await RowsAsync(db, """SELECT "AlertId", "SignalKey" FROM alert_signals GROUP BY 1, 2 HAVING count(*) > 1""")).ShouldBeEmpty("one signal per rule");
            (await RowsAsync(db, """SELECT "WatchId", "MentionId" FROM alert_evidence GROUP BY 1, 2 HAVING count(*) > 1""")).ShouldBeEmpty("one evidence row per mention");
            (await RowsAsync(db, """SELECT "AlertId", "Kind" FROM alert_outbox WHERE "Kind" = 0 GROUP BY 1, 2 HAVING count(*) > 1""")).ShouldBeEmpty("the opening announced once");

            var cases = await RowsAsync(db, """SELECT "AuthorKey", count(*) FROM cases GROUP BY 1 ORDER BY 1""");
            output.WriteLine("cases: " + string.Join(", ", cases.Select(r => $"{r[0]} ×{r[1]}")));
            cases.ShouldNotBeEmpty("the planted complaints open cases");
            cases.Where(r => Convert.ToInt64(r[1], CultureInfo.InvariantCulture) > 1).ShouldBeEmpty("one case per complaining author");

            var outbox = (await RowsAsync(db, """SELECT "IdempotencyKey" FROM alert_outbox""")).Select(r => (string)r[0]).ToHashSet(StringComparer.Ordinal);
            outbox.ShouldNotBeEmpty();
            await WaitForAsync(() => Task.FromResult(outbox.IsSubsetOf(receiver.Deliveries)), TimeSpan.FromMinutes(2), "every notification delivered", workers);
            var received = receiver.Deliveries;
            output.WriteLine($"notifications: {outbox.Count} recorded, {received.Count} deliveries received, {received.Distinct().Count()} distinct; killed at {killedAt:HH:mm:ss}");
            received.ToHashSet(StringComparer.Ordinal).SetEquals(outbox).ShouldBeTrue("the receiver got exactly the recorded notifications, by id");
            output.WriteLine($"{clock.Elapsed.TotalSeconds:N0} s in all; load {Load()}");
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker?.Dispose();
            }

            foreach (var client in clients)
            {
                client?.Dispose();
            }

            foreach (var data in _dataDirectories.Where(Directory.Exists))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static string[] Arguments(string connectionString, Uri node, CrawlSite site, WebhookReceiver receiver) =>
    [
        "--Replay:Enabled=false",
        $"--Auth:ApiKeys:0:Key={Key}",
        "--Auth:ApiKeys:0:Role=admin",
        "--Storage:Provider=postgresql",
        $"--Storage:ConnectionString={connectionString}",
        "--Index:Provider=elasticsearch",
        $"--Index:Elasticsearch:Url={node}",
        $"--Pipeline:BatchSize={PipelineBatch}",
        "--Pipeline:PollInterval=00:00:00.500",
        // A killed worker's leased mentions move to the others after this (the least allowed).
        "--Pipeline:LeaseDuration=00:00:10",
        "--Crawling:ClusterCheckinInterval=00:00:01",
        "--Crawling:Politeness:MinDelayPerHost=00:00:00",
        "--Crawling:Sources:0:Id=harbour-news",
        "--Crawling:Sources:0:Kind=rss",
        $"--Crawling:Sources:0:Urls:0={site.FeedUrl("harbour-news")}",
        $"--Crawling:Sources:0:Interval={CrawlInterval}",
        "--Crawling:Sources:1:Id=city-forum",
        "--Crawling:Sources:1:Kind=rss",
        $"--Crawling:Sources:1:Urls:0={site.FeedUrl("city-forum")}",
        $"--Crawling:Sources:1:Interval={CrawlInterval}",
        "--Alerting:EvaluationInterval=00:00:02",
        "--Alerting:Delivery:Webhooks:0:Name=receiver",
        $"--Alerting:Delivery:Webhooks:0:Url={receiver.Url}",
        "--Alerting:Delivery:Webhooks:0:Secret=multi-worker-webhook-secret",
        "--Alerting:Delivery:Webhooks:0:Notices=false",
    ];

    private readonly List<string> _dataDirectories = [];

    private (ServiceProcess, HttpClient) StartWorker(int number, string[] args)
    {
        // Logs and generated secrets only: state and index are shared.
        var data = Path.Combine(Path.GetTempPath(), "sw-multi-worker-" + Guid.NewGuid().ToString("N"));
        _dataDirectories.Add(data);
        var worker = ServiceProcess.Start([
            .. args,
            $"--Storage:DataDirectory={data}",
            $"--Crawling:UserAgent=SentimentWatchBot/1.0 (worker-{number}; +https://example.invalid/bot)",
        ]);
        var client = new HttpClient { BaseAddress = new Uri(worker.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("X-Api-Key", Key);
        return (worker, client);
    }

    private static string Worker(string userAgent) =>
        userAgent.Split('(', ';') is { Length: > 1 } parts ? parts[1].Trim() : userAgent;

    /// <summary>
    /// Posts one batch to the worker its number picks; a worker that is down (killed) or pushes back
    /// sends the same batch to the next one. Accepted + already known must cover the batch: a
    /// batch the killed worker stored before dying comes back as already known.
    /// </summary>
    private static async Task PostBatchAsync(object[] batch, int number, HttpClient[] clients, bool[] live)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var target = (number + attempt) % clients.Length;
            HttpClient client;
            lock (live)
            {
                if (!live[target])
                {
                    continue;
                }

                client = clients[target];
            }

            try
            {
                using var response = await client.PostAsJsonAsync("/api/intake/mentions", batch);
                if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(500));
                    continue;
                }

                response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
                var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
                (receipt.GetProperty("accepted").GetInt32() + receipt.GetProperty("alreadyKnown").GetInt32()).ShouldBe(batch.Length);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ObjectDisposedException)
            {
                // The worker died under the request (or was just replaced): the next one takes the batch.
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"batch {number} was never accepted");
    }

    /// <summary>
    /// Distinct everyday posts, none naming the brand, and among them complaints of six authors,
    /// three each, about food poisoning at the brand: enough for the risk-terms rule and for cases.
    /// </summary>
    private static IEnumerable<object> Mentions(int total)
    {
        string[] places = ["港口", "地铁站", "图书馆", "菜市场", "体育馆", "公园", "the pier", "the library", "the night market", "the station"];
        string[] moods = ["人很多", "很安静", "排队很久", "风很大", "busy today", "quiet this morning", "a long queue", "windy again"];
        var now = DateTimeOffset.UtcNow;
        var planted = new Dictionary<int, (int Author, int Post)>();
        for (var author = 0; author < 6; author++)
        {
            for (var post = 0; post < 3; post++)
            {
                planted[((author + 1) * total / 8) + (post * PipelineBatch) + author] = (author, post);
            }
        }

        for (var i = 0; i < total; i++)
        {
            if (planted.TryGetValue(i, out var complaint))
            {
                yield return new
                {
                    source = "weibo",
                    externalId = $"mw-{i:D6}",
                    author = $"victim-{complaint.Author}",
                    text = $"绿莫咖啡 喝完以后食物中毒 拉肚子一整夜 太差了 要求退款 投诉 第{complaint.Post + 1}次 zqrisk{complaint.Author}p{complaint.Post}",
                    publishedAt = now.AddSeconds(-30),
                    reach = 10,
                };
                continue;
            }

            yield return new
            {
                source = i % 2 == 0 ? "forum" : "app-feedback",
                externalId = $"mw-{i:D6}",
                author = $"user{i % 997}",
                text = $"{places[i % places.Length]} {moods[i / places.Length % moods.Length]} 第{i}条 note {i} zqmw{i:D6}",
                publishedAt = now.AddSeconds(-(i % 600)),
                reach = i % 50,
            };
        }
    }

    private sealed record LedgerCounts(long Rows, long Pending, long Processed, long Parked);

    private static async Task<LedgerCounts> LedgerAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("""SELECT count(*), count(*) FILTER (WHERE "State" = 0), count(*) FILTER (WHERE "State" = 1), count(*) FILTER (WHERE "State" = 2) FROM mentions""", connection);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new LedgerCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    private static async Task<List<object[]>> RowsAsync(NpgsqlConnection connection, string sql)
    {
        await using var query = new NpgsqlCommand(sql, connection);
        await using var reader = await query.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, ServiceProcess[] workers)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"never {what} within {timeout}; the workers said:{Environment.NewLine}" +
            string.Join(Environment.NewLine, workers.Select((w, i) => $"--- worker-{i}{Environment.NewLine}{Tail(w.Output)}")));
    }

    private static string Tail(string log) => log.Length > 6_000 ? log[^6_000..] : log;

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}

/// <summary>Three services and a PostgreSQL on two cores: the multi-worker test runs after the others, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MultiWorkerCollection
{
    public const string Name = "multi-worker";
}
