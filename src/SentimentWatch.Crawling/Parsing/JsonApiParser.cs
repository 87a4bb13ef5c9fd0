using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SentimentWatch.Crawling.Sources;

namespace SentimentWatch.Crawling.Parsing;

/// <summary>Reads a JSON API page through a source's configured paths.</summary>
public static partial class JsonApiParser
{
    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public sealed record Page(ParsedPage Parsed, string? NextCursor);

    public static Page Parse(string json, Uri pageUri, JsonPaths paths, TimeZoneInfo zone, DateTimeOffset now) =>
        Parse(json, pageUri, paths, zone, now, ForumPageParser.DefaultMaxParseTime);

    /// <param name="maxParseTime">How long the HTML of all the page's items may take to read, together.</param>
    public static Page Parse(string json, Uri pageUri, JsonPaths paths, TimeZoneInfo zone, DateTimeOffset now, TimeSpan maxParseTime)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: Lenient);
        }
        catch (JsonException ex)
        {
            return new Page(new ParsedPage { Problems = [$"{pageUri} is not valid JSON: {ex.Message}"] }, null);
        }

        var list = string.IsNullOrWhiteSpace(paths.Items) ? root : Navigate(root, paths.Items);
        if (list is not JsonArray array)
        {
            return new Page(new ParsedPage { Problems = [$"path Items '{paths.Items}' is not an array in {pageUri}; check Json:Items"] }, null);
        }

        var problems = new List<string>();
        var items = new List<CrawledItem>();
        var html = new AngleSharp.Html.Parser.HtmlParser();
        using var budget = new CancellationTokenSource(maxParseTime);
        var deadline = budget.Token;
        foreach (var (node, index) in array.Select((n, i) => (n, i)))
        {
            // Forum and social APIs return rendered HTML (Mastodon content, Discourse cooked,
            // V2EX content_rendered, HN story_text): read it by the same rules as an HTML post.
            var text = Markup(Text(node, paths.Text), html, deadline);
            if (string.IsNullOrWhiteSpace(text))
            {
                problems.Add($"item {index + 1} of {pageUri} has no text at '{paths.Text}'; skipped");
                continue;
            }

            var id = Text(node, paths.Id);
            var url = Text(node, paths.Url);
            if (url is null && paths.UrlTemplate is not null && id is not null)
            {
                url = FillTemplate(paths.UrlTemplate, node, id);
            }

            var rawTime = Text(node, paths.PublishedAt);
            var published = ForumTime.Parse(rawTime, zone, now);
            if (rawTime is not null && published is null)
            {
                problems.Add($"item {index + 1} of {pageUri}: time '{rawTime}' at '{paths.PublishedAt}' is in no format the crawler knows; kept with the collection time, marked estimated");
            }

            items.Add(new CrawledItem
            {
                ExternalId = id,
                Url = FeedParser.Resolve(pageUri, url),
                Text = text,
                Title = Markup(Text(node, paths.Title), html, deadline),
                Author = Text(node, paths.Author),
                PublishedAt = published,
                ThreadId = Text(node, paths.ThreadId),
                Replies = Count(node, paths.Replies),
                Likes = Count(node, paths.Likes),
                Shares = Count(node, paths.Shares),
                Reach = Count(node, paths.Reach),
            });
        }

        string? next = null;
        if (!string.IsNullOrWhiteSpace(paths.NextUrl))
        {
            next = Text(root, paths.NextUrl);
        }

        var cursor = string.IsNullOrWhiteSpace(paths.NextCursor) ? null : Text(root, paths.NextCursor);
        if (cursor is null && !string.IsNullOrWhiteSpace(paths.PageParameter))
        {
            // Numbered pages (Algolia): ask for the next one while the response says there is one.
            var current = QueryValue(pageUri, paths.PageParameter) is { } p && int.TryParse(p, CultureInfo.InvariantCulture, out var n) ? n : 0;
            var pages = string.IsNullOrWhiteSpace(paths.PageCount) ? int.MaxValue : (int)Math.Min(Count(root, paths.PageCount), int.MaxValue);
            cursor = current + 1 < pages && items.Count > 0 ? (current + 1).ToString(CultureInfo.InvariantCulture) : null;
        }
        if (deadline.IsCancellationRequested)
        {
            problems.Add($"the HTML in {pageUri}'s items took longer than {maxParseTime} to read (Crawling:Politeness:MaxParseTime); items past that were read without the HTML parser (tags dropped)");
        }

        var nextUri = next is not null ? FeedParser.Resolve(pageUri, next) : null;
        return new Page(new ParsedPage { Items = items, Problems = problems, Next = nextUri is null ? null : new Uri(nextUri) }, cursor is "" || (cursor == "0" && string.IsNullOrWhiteSpace(paths.PageParameter)) ? null : cursor);
    }

    private static string? QueryValue(Uri uri, string name) =>
        uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(kv => Uri.UnescapeDataString(kv[0]) == name)
            .Select(kv => kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : string.Empty)
            .FirstOrDefault();

    /// <summary>Follows <c>a.b[2].c</c> from <paramref name="node"/>; null when any step is missing.</summary>
    public static JsonNode? Navigate(JsonNode? node, string path)
    {
        foreach (var segment in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment;
            var indexes = new List<int>();
            var bracket = name.IndexOf('[');
            if (bracket >= 0)
            {
                foreach (var part in name[bracket..].Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries))
                {
                    indexes.Add(int.Parse(part, CultureInfo.InvariantCulture));
                }

                name = name[..bracket];
            }

            if (name.Length > 0)
            {
                node = node is JsonObject obj && obj.TryGetPropertyValue(name, out var child) ? child : null;
            }

            foreach (var index in indexes)
            {
                node = node is JsonArray arr && index < arr.Count ? arr[index] : null;
            }

            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>
    /// <c>{id}</c> is the item's id (escaped); any other <c>{path}</c> is the value at that path,
    /// e.g. Reddit's <c>https://www.reddit.com{permalink}</c>.
    /// </summary>
    private static string FillTemplate(string template, JsonNode? node, string id) =>
        TemplateField().Replace(template, m =>
        {
            var path = m.Groups[1].Value;
            if (path == "id")
            {
                return Uri.EscapeDataString(id);
            }

            var value = Text(node, path) ?? string.Empty;
            return value.StartsWith('/') || value.Contains("://", StringComparison.Ordinal) ? value : Uri.EscapeDataString(value);
        });

    [System.Text.RegularExpressions.GeneratedRegex(@"\{([\w.\[\]]+)\}")]
    private static partial System.Text.RegularExpressions.Regex TemplateField();

    /// <summary>The first non-empty value among <c>a || b</c> alternatives (Reddit: <c>selftext || title</c>).</summary>
    private static string? Text(JsonNode? node, string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        if (path.Contains("||", StringComparison.Ordinal))
        {
            return path.Split("||", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(p => Text(node, p))
                .FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
        }

        if (Navigate(node, path) is not JsonValue value)
        {
            return null;
        }

        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>().Trim(),
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    private static string? Markup(string? value, AngleSharp.Html.Parser.HtmlParser html, CancellationToken deadline) =>
        string.IsNullOrWhiteSpace(value) ? value : HtmlText.OfFragment(value, html, deadline);

    private static long Count(JsonNode? node, string? path) => FieldSelector.ParseCount(Text(node, path));
}
