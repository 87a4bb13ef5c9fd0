using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Core.Security;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Cli;

/// <summary>
/// <c>bench console</c>: starts the whole service on a free 127.0.0.1 port over a new data folder,
/// replays the demo mentions, signs in as an admin and times every console page over real HTTP
/// (server time + transfer, the body read to the end); prints p50/p95/max per page and overall.
/// </summary>
public static partial class ConsoleCommands
{
    public static IEnumerable<Command> Commands(Func<string[], IHost> buildHost)
    {
        var requests = new Option<int>("--requests") { Description = "Timed requests per page (after 3 untimed).", DefaultValueFactory = _ => 50 };
        var command = new Command("bench", "Console page response times on the demo data: p50/p95/max per page (goal: p95 <= 300 ms).") { requests };
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
            await RunAsync(buildHost, Math.Max(1, result.GetValue(requests)), [.. result.UnmatchedTokens], cancellationToken));
        yield return command;
    }

    private static async Task<int> RunAsync(Func<string[], IHost> buildHost, int requests, string[] extra, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "sw-console-bench-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        using var host = buildHost(
        [
            $"--Urls={baseUrl}", $"--Storage:DataDirectory={data}", "--Replay:Enabled=true", "--Replay:BatchSize=200",
            "--Replay:Interval=00:00:00.100", "--Pipeline:PollInterval=00:00:00.200", "--Cases:Watches:0:Watch=lumo",
            "--Serilog:MinimumLevel:Default=Error", .. extra,
        ]);
        await host.StartAsync(cancellationToken);
        try
        {
            using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
            var mentions = await WaitForDemoAsync(http, cancellationToken);
            const string password = "console-bench-passphrase";
            await using (var scope = host.Services.CreateAsyncScope())
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
                var user = new ConsoleUser { UserName = "bench", CreatedAt = DateTimeOffset.UtcNow };
                await users.CreateAsync(user, password);
                await users.AddToRoleAsync(user, ApiRoles.Admin);
            }

            await SignInAsync(http, "bench", password, cancellationToken);
            var pages = new List<string>
            {
                "/", "/?range=30d", "/?handler=Fragment&range=7d", "/search", "/search?q=%E9%80%80%E6%AC%BE", "/search?q=refund&sentiment=negative",
                "/alerts", "/cases", "/cases?breached=true", "/cases/metrics", "/ops/sources", "/ops/parked", "/ops/users", "/ops/api", "/account/password",
            };
            if (await FirstIdAsync(http, "/api/mentions?q=refund&pageSize=1", "hits", "mention", cancellationToken) is { } mention)
            {
                pages.Add("/mentions/" + Uri.EscapeDataString(mention));
            }

            if (await FirstIdAsync(http, "/api/alerts?status=all&pageSize=1", "items", null, cancellationToken) is { } alert)
            {
                pages.Add("/alerts/" + alert);
            }

            if (await FirstIdAsync(http, "/api/cases?pageSize=1", "items", null, cancellationToken) is { } caseId)
            {
                pages.Add("/cases/" + caseId);
            }

            Console.WriteLine($"console bench: {mentions} demo mentions, {requests} timed requests per page after 3 untimed, one client, {Environment.ProcessorCount} cores");
            Console.WriteLine($"{"page",-44} {"p50 ms",8} {"p95 ms",8} {"max ms",8}");
            var all = new List<double>();
            foreach (var page in pages)
            {
                var times = new List<double>();
                for (var i = 0; i < requests + 3; i++)
                {
                    var watch = Stopwatch.StartNew();
                    using var response = await http.GetAsync(page, cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    watch.Stop();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"{page} answered {(int)response.StatusCode}");
                    }

                    if (i >= 3)
                    {
                        times.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }

                all.AddRange(times);
                Console.WriteLine($"{page,-44} {Percentile(times, 50),8:0.0} {Percentile(times, 95),8:0.0} {times.Max(),8:0.0}");
            }

            Console.WriteLine($"{"all pages",-44} {Percentile(all, 50),8:0.0} {Percentile(all, 95),8:0.0} {all.Max(),8:0.0}");
            return 0;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS's temp cleaning.
            }
        }
    }

    private static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static async Task<long> WaitForDemoAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            using var health = JsonDocument.Parse(await http.GetStringAsync("/health", cancellationToken));
            var store = health.RootElement.GetProperty("checks").GetProperty("store").GetProperty("data");
            var processed = store.GetProperty("processed").GetInt64();
            if (store.GetProperty("pending").GetInt64() == 0 && processed > 100)
            {
                return processed;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException("the demo mentions were not processed within 3 minutes");
    }

    private static async Task SignInAsync(HttpClient http, string user, string password, CancellationToken cancellationToken)
    {
        var form = await http.GetStringAsync("/account/signin", cancellationToken);
        var token = TokenField().Match(form).Groups[1].Value;
        using var response = await http.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user,
            ["Password"] = password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token),
        }), cancellationToken);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"sign-in answered {(int)response.StatusCode}, expected a redirect");
        }
    }

    private static async Task<string?> FirstIdAsync(HttpClient http, string url, string list, string? inner, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var items = json.RootElement.GetProperty(list);
        if (items.GetArrayLength() == 0)
        {
            return null;
        }

        var first = inner is null ? items[0] : items[0].GetProperty(inner);
        var id = first.GetProperty("id");
        return id.ValueKind == JsonValueKind.Number ? id.GetInt64().ToString(CultureInfo.InvariantCulture) : id.GetString();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
