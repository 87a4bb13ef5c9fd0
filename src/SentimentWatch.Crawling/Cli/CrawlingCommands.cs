using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Crawling.Sources;
using SentimentWatch.Crawling.State;
using Spectre.Console;

namespace SentimentWatch.Crawling.Cli;

/// <summary>
/// <c>crawl --source source.json --once --output mentions.jsonl</c>: try a source definition
/// (the same JSON shape as one entry of <c>Crawling:Sources</c>) against the live site. It
/// uses the host's crawler and politeness settings but not its state database: nothing is
/// remembered, every item found is written, and nothing enters the pipeline.
/// </summary>
public static class CrawlingCommands
{
    public static readonly JsonSerializerOptions SourceJson = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly JsonSerializerOptions LineJson = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IEnumerable<Command> Commands(Func<string[], IHost> buildHost)
    {
        var source = new Option<FileInfo>("--source") { Required = true, Description = "JSON file with one source definition (an entry of Crawling:Sources)" };
        var once = new Option<bool>("--once") { Description = "Crawl once and exit (required: scheduled crawling runs inside the service)" };
        var output = new Option<FileInfo>("--output") { Required = true, Description = "Where to write the mentions found, one JSON object per line" };
        var command = new Command("crawl", "Crawl one source definition once and write the normalised mentions as JSON lines") { source, once, output };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            if (!result.GetValue(once))
            {
                AnsiConsole.MarkupLine("[red]crawl needs --once[/]: scheduled crawling runs inside the service (configure Crawling:Sources).");
                return 2;
            }

            using var host = buildHost([.. result.UnmatchedTokens]);
            return await CrawlOnceAsync(host.Services, result.GetValue(source)!, result.GetValue(output)!, AnsiConsole.Console, cancellationToken);
        });
        yield return command;
    }

    public static async Task<int> CrawlOnceAsync(IServiceProvider services, FileInfo sourceFile, FileInfo outputFile, IAnsiConsole console, CancellationToken cancellationToken)
    {
        if (!sourceFile.Exists)
        {
            console.MarkupLineInterpolated($"[red]source file not found:[/] {sourceFile.FullName}");
            return 2;
        }

        CrawlSource? source;
        try
        {
            await using var stream = sourceFile.OpenRead();
            source = await JsonSerializer.DeserializeAsync<CrawlSource>(stream, SourceJson, cancellationToken);
        }
        catch (JsonException ex)
        {
            console.MarkupLineInterpolated($"[red]{sourceFile.Name} is not a valid source definition:[/] {ex.Message}");
            return 2;
        }

        var problems = source is null ? ["the file is empty"] : CrawlingOptionsValidator.ValidateSource(source, sourceFile.Name, requireSchedule: false).ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {problem}");
            }

            return 2;
        }

        var crawler = services.GetRequiredService<SourceCrawler>();
        var pages = 0;
        var progress = new SynchronousProgress(page =>
        {
            pages++;
            console.MarkupLineInterpolated($"[grey]page {pages,3}[/] {page.Outcome,-18} items {page.Items,4}  new {page.NewItems,4}  {page.Url}");
        });

        var (mentions, report) = await crawler.CrawlAsync(source!, CrawlCursor.Empty(), progress, cancellationToken);
        outputFile.Directory?.Create();
        await using (var writer = new StreamWriter(outputFile.FullName, append: false, new System.Text.UTF8Encoding(false)))
        {
            foreach (var mention in mentions)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(MentionLine.From(mention), LineJson));
            }
        }

        foreach (var error in report.Errors.Take(20))
        {
            console.MarkupLineInterpolated($"[yellow]warning:[/] {error}");
        }

        console.MarkupLineInterpolated($"[green]{mentions.Count}[/] mentions from {report.PagesFetched} pages ({report.NotModified} not modified, {report.Errors.Count} problems) written to {outputFile.FullName}");
        return report.Succeeded ? 0 : 1;
    }

    /// <summary>One output line: the intake API's field names, so the file can be posted or scored as is.</summary>
    public sealed record MentionLine(
        string Id,
        string Source,
        string? ExternalId,
        string? Url,
        string? Author,
        string? ThreadId,
        string? Title,
        string Text,
        string Language,
        DateTimeOffset PublishedAt,
        DateTimeOffset CollectedAt,
        long Reach,
        long Likes,
        long Replies,
        long Shares,
        bool? PublishedAtEstimated)
    {
        /// <summary><c>publishedAtEstimated: true</c> only when the time could not be read (absent otherwise, so existing lines stay as they were).</summary>
        public static MentionLine From(Mention m) => new(
            m.Id, m.Source, m.ExternalId, m.Url, m.Author, m.ThreadId, m.Title, m.Text, m.Language, m.PublishedAt, m.CollectedAt,
            m.Engagement.Reach, m.Engagement.Likes, m.Engagement.Replies, m.Engagement.Shares, m.PublishedAtEstimated ? true : null);
    }
}
