using System.CommandLine;
using System.Text.Json;
using SentimentWatch.Crawling.Cli;
using Shouldly;
using Spectre.Console;

namespace SentimentWatch.Crawling.Tests;

public sealed class CrawlCommandTests : IAsyncLifetime
{
    private FixtureServer _server = null!;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sw-crawl-cli-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        _server = await FixtureServer.StartAsync();
        Directory.CreateDirectory(_dir);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private static (IAnsiConsole Console, StringWriter Written) RecordingConsole()
    {
        var written = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(written), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 400;
        return (console, written);
    }

    [Fact]
    public async Task CrawlOnceWritesOneJsonLinePerPostAndAProgressLinePerPage()
    {
        var sourceFile = Path.Combine(_dir, "source.json");
        await File.WriteAllTextAsync(sourceFile, JsonSerializer.Serialize(CrawlerHarness.Discuz(_server.Base), CrawlingCommands.SourceJson));
        var output = Path.Combine(_dir, "out", "mentions.jsonl");
        using var harness = new CrawlerHarness();
        var (console, written) = RecordingConsole();

        var exit = await CrawlingCommands.CrawlOnceAsync(harness.Services, new FileInfo(sourceFile), new FileInfo(output), console, CancellationToken.None);

        exit.ShouldBe(0);
        var lines = (await File.ReadAllLinesAsync(output)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        lines.Count.ShouldBe(4);
        lines[0].GetProperty("author").GetString().ShouldBe("张三丰");
        lines[0].GetProperty("source").GetString().ShouldBe("discuz-x9");
        lines[0].GetProperty("publishedAt").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 11, 20, 14, 3, 0, TimeSpan.FromHours(8)));
        lines[0].GetProperty("url").GetString()!.ShouldEndWith("#pid1001");
        lines[0].GetProperty("text").GetString()!.ShouldStartWith("上周买的星河X9");
        written.ToString().Split('\n').Count(l => l.Contains("page ", StringComparison.Ordinal)).ShouldBe(4);
        written.ToString().ShouldContain("4 mentions from 4 pages");
    }

    [Fact]
    public async Task AnInvalidSourceFileIsRejectedWithEveryProblemNamed()
    {
        var sourceFile = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(sourceFile, """{ "id": "bad id", "kind": "html", "urls": ["not a url"], "selectors": { "post": "div[", "text": "" } }""");
        using var harness = new CrawlerHarness();
        var (console, written) = RecordingConsole();

        var exit = await CrawlingCommands.CrawlOnceAsync(harness.Services, new FileInfo(sourceFile), new FileInfo(Path.Combine(_dir, "o.jsonl")), console, CancellationToken.None);

        exit.ShouldBe(2);
        written.ToString().ShouldContain("bad.json:Id 'bad id'");
        written.ToString().ShouldContain("bad.json:Urls:0 'not a url'");
        written.ToString().ShouldContain("bad.json:Selectors:Post 'div['");
        written.ToString().ShouldContain("bad.json:Selectors:Text is required");
    }

    [Fact]
    public async Task TheVerbParsesItsOptionsAndBuildsTheHostFromTheRemainingArguments()
    {
        var sourceFile = Path.Combine(_dir, "phpbb.json");
        await File.WriteAllTextAsync(sourceFile, JsonSerializer.Serialize(CrawlerHarness.PhpBb(_server.Base), CrawlingCommands.SourceJson));
        var output = Path.Combine(_dir, "phpbb.jsonl");
        string[]? hostArgs = null;
        var harness = new CrawlerHarness();
        var root = new RootCommand();
        foreach (var command in CrawlingCommands.Commands(args => { hostArgs = args; return harness.Host; }))
        {
            root.Subcommands.Add(command);
        }

        var exit = await root.Parse(["crawl", "--source", sourceFile, "--once", "--output", output, "--Storage:DataDirectory=x"]).InvokeAsync();

        exit.ShouldBe(0);
        hostArgs.ShouldBe(["--Storage:DataDirectory=x"]);
        File.ReadAllLines(output).Length.ShouldBe(3);
        (await root.Parse(["crawl", "--source", sourceFile, "--output", output]).InvokeAsync()).ShouldBe(2);
    }
}
