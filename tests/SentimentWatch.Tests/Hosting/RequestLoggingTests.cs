using System.Net;
using System.Text.Json;

namespace SentimentWatch.Tests.Hosting;

/// <summary>
/// Issue 20 item 6, on the real process and its JSON log file: each HTTP request is one structured
/// event naming the method, the path (no query string, personal data redacted), the status, the
/// elapsed time and the caller's name, and the API key appears nowhere in the file.
/// </summary>
public sealed class RequestLoggingTests : IDisposable
{
    private const string Key = "request-log-key-0123456789abcdef";
    private const string Phone = "13812345673";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sw-requests-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task EachRequest_IsOneStructuredLogEvent_WithMethodPathStatusElapsedAndTheKeysName_AndNoKeyQueryOrPhoneInTheFile()
    {
        using var service = ServiceProcess.Start(
            $"--Storage:DataDirectory={_data}", "--Replay:Enabled=false",
            $"--Auth:ApiKeys:0:Key={Key}", "--Auth:ApiKeys:0:Role=analyst", "--Auth:ApiKeys:0:Name=ops-dashboard");
        using var client = new HttpClient { BaseAddress = new Uri(service.BaseUrl) };
        await service.WaitHealthyAsync(client);

        using (var search = new HttpRequestMessage(HttpMethod.Get, $"/api/mentions?q={Phone}&author=li.lei%40example.com") { Headers = { { "X-Api-Key", Key } } })
        {
            (await client.SendAsync(search)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var byId = new HttpRequestMessage(HttpMethod.Get, $"/api/mentions/{Phone}") { Headers = { { "X-Api-Key", Key } } })
        {
            (await client.SendAsync(byId)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        (await client.GetAsync("/api/sources")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // The positive signal: the last request's event is in the file (the event is written as the response completes).
        var requests = await RequestEventsAsync(count: 3);

        var search1 = requests.Where(e => Property(e, "RequestPath") == "/api/mentions").ShouldHaveSingleItem("one event per request");
        Property(search1, "RequestMethod").ShouldBe("GET");
        Property(search1, "StatusCode").ShouldBe("200");
        Property(search1, "UserName").ShouldBe("ops-dashboard");
        Property(search1, "RoutePattern").ShouldBe("/api/mentions/", "the route group's pattern, whatever the query");
        search1.GetProperty("Properties").GetProperty("Elapsed").GetDouble().ShouldBeGreaterThan(0);
        search1.GetProperty("RenderedMessage").GetString()!.ShouldMatch(@"^HTTP GET /api/mentions answered 200 in \d+\.\d ms for ops-dashboard$");

        var byId1 = requests.Single(e => Property(e, "StatusCode") == "404");
        Property(byId1, "RequestPath").ShouldBe("/api/mentions/" + SentimentWatch.Core.Privacy.PersonalDataRedactor.Token(SentimentWatch.Core.Privacy.RedactionKinds.Phone));
        Property(byId1, "RoutePattern").ShouldBe("/api/mentions/{id}");

        var refused = requests.Single(e => Property(e, "StatusCode") == "401");
        Property(refused, "UserName").ShouldBe("anonymous");
        Property(refused, "RequestPath").ShouldBe("/api/sources");

        var file = string.Join('\n', Directory.GetFiles(Path.Combine(_data, "logs")).Select(File.ReadAllText));
        file.ShouldNotContain(Key, customMessage: "the API key is never logged");
        file.ShouldNotContain(Phone, customMessage: "neither the query string nor a phone number in the path is logged");
        file.ShouldNotContain("li.lei", customMessage: "the query string is not logged");
    }

    private static string? Property(JsonElement logEvent, string name) =>
        logEvent.GetProperty("Properties").TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    /// <summary>Polls the service's log file until it holds <paramref name="count"/> request events for the API (health probes are Debug).</summary>
    private async Task<List<JsonElement>> RequestEventsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var events = Directory.GetFiles(Path.Combine(_data, "logs"))
                .SelectMany(ReadSharedLines)
                .Where(line => line.StartsWith('{'))
                .Select(line => JsonDocument.Parse(line).RootElement)
                .Where(e => Property(e, "SourceContext") == "Serilog.AspNetCore.RequestLoggingMiddleware")
                .ToList();
            if (events.Count >= count || DateTime.UtcNow > deadline)
            {
                events.Count.ShouldBe(count, "one event per request, none for the health probes at Information");
                return events;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The file's complete lines, read while the service still has it open for writing.</summary>
    private static IEnumerable<string> ReadSharedLines(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[..(text.EndsWith('\n') ? ^0 : ^1)];
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Left to the OS's temp cleaning.
        }
    }
}
