using System.Net;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using AngleSharp.Html.Parser;

namespace SentimentWatch.Crawling.Parsing;

/// <summary>
/// RSS 2.0 and Atom 1.0. Real feeds are often not well-formed XML: bare ampersands, HTML
/// entities such as <c>&amp;nbsp;</c>, control characters, one broken entry. The parser
/// repairs what it safely can, and when the document still does not parse it reads the
/// entries one by one, skipping (and reporting) only the broken ones.
/// </summary>
public static partial class FeedParser
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Content = "http://purl.org/rss/1.0/modules/content/";
    private static readonly XNamespace Dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace Slash = "http://purl.org/rss/1.0/modules/slash/";

    public static ParsedPage Parse(string xml, Uri pageUri, TimeZoneInfo zone, DateTimeOffset now) =>
        Parse(xml, pageUri, zone, now, ForumPageParser.DefaultMaxParseTime);

    /// <param name="maxParseTime">How long the HTML of all the feed's entries may take to read, together.</param>
    public static ParsedPage Parse(string xml, Uri pageUri, TimeZoneInfo zone, DateTimeOffset now, TimeSpan maxParseTime)
    {
        var problems = new List<string>();
        var html = new HtmlParser();
        using var budget = new CancellationTokenSource(maxParseTime);
        var deadline = budget.Token;
        var entries = ReadEntries(xml, problems);
        var items = new List<CrawledItem>();
        foreach (var (entry, index) in entries.Select((e, i) => (e, i)))
        {
            var item = entry.Name.LocalName == "entry" ? FromAtom(entry, pageUri, zone, now, html, deadline) : FromRss(entry, pageUri, zone, now, html, deadline);
            if (item is null)
            {
                problems.Add($"entry {index + 1} of {pageUri} has neither text nor title; skipped");
                continue;
            }

            items.Add(item);
        }

        if (deadline.IsCancellationRequested)
        {
            problems.Add($"the HTML of {pageUri}'s entries took longer than {maxParseTime} to read (Crawling:Politeness:MaxParseTime); entries past that were read without the HTML parser (tags dropped)");
        }

        return new ParsedPage { Items = items, Problems = problems };
    }

    private static List<XElement> ReadEntries(string xml, List<string> problems)
    {
        var document = TryParse(xml) ?? TryParse(Repair(xml));
        if (document is not null)
        {
            return document.Descendants().Where(IsEntry).ToList();
        }

        // Still broken: read each entry on its own so one bad entry costs only itself.
        var entries = new List<XElement>();
        var repaired = Repair(xml);
        var namespaces = NamespaceDeclarations(repaired);
        foreach (Match match in EntryBlock().Matches(repaired))
        {
            var wrapped = $"<wrapper {namespaces}>{match.Value}</wrapper>";
            if (TryParse(wrapped) is { } fragment && fragment.Root?.Elements().FirstOrDefault() is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                problems.Add($"a malformed feed entry starting '{Snippet(match.Value)}' was skipped");
            }
        }

        if (entries.Count == 0)
        {
            problems.Add("the feed is not XML the parser can read, and no entry could be recovered");
        }

        return entries;
    }

    private static bool IsEntry(XElement e) =>
        (e.Name.LocalName == "item" && e.Parent?.Name.LocalName is "channel" or "rss" or "RDF") || e.Name == Atom + "entry";

    private static XDocument? TryParse(string xml)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, CheckCharacters = false, XmlResolver = null });
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>Fixes the usual sins: stray '&amp;', HTML-only entities, control characters, leading junk.</summary>
    public static string Repair(string xml)
    {
        var text = xml.TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        text = ControlChars().Replace(text, string.Empty);
        text = Entity().Replace(text, m =>
        {
            var name = m.Groups["name"].Value;
            if (name.Length == 0)
            {
                return "&amp;"; // a bare '&'
            }

            if (name is "amp" or "lt" or "gt" or "quot" or "apos" || name.StartsWith('#'))
            {
                return m.Value;
            }

            var decoded = WebUtility.HtmlDecode("&" + name + ";");
            return decoded == "&" + name + ";" ? "&amp;" + name + ";" : string.Concat(decoded.Select(c => $"&#{(int)c};"));
        });
        return text;
    }

    private static string NamespaceDeclarations(string xml)
    {
        var declared = XmlnsDeclaration().Matches(xml).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        return string.Join(' ', declared);
    }

    private static CrawledItem? FromRss(XElement item, Uri pageUri, TimeZoneInfo zone, DateTimeOffset now, HtmlParser html, CancellationToken deadline)
    {
        var title = Clean(Value(item, "title"), html, deadline);
        var body = item.Element(Content + "encoded")?.Value ?? Value(item, "description");
        var text = Clean(body, html, deadline);
        if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(title))
        {
            return null;
        }

        var link = Resolve(pageUri, Value(item, "link") ?? (item.Element("guid") is { } g && (string?)g.Attribute("isPermaLink") != "false" ? g.Value : null));
        return new CrawledItem
        {
            ExternalId = Value(item, "guid"),
            Url = link,
            Title = title,
            Text = string.IsNullOrEmpty(text) ? title! : text,
            Author = Person(Value(item, "author") ?? item.Element(Dc + "creator")?.Value),
            PublishedAt = ForumTime.Parse(Value(item, "pubDate") ?? item.Element(Dc + "date")?.Value, zone, now),
            Replies = FieldSelector.ParseCount(item.Element(Slash + "comments")?.Value),
        };
    }

    private static CrawledItem? FromAtom(XElement entry, Uri pageUri, TimeZoneInfo zone, DateTimeOffset now, HtmlParser html, CancellationToken deadline)
    {
        var title = Clean(entry.Element(Atom + "title")?.Value, html, deadline);
        var text = Clean(entry.Element(Atom + "content")?.Value ?? entry.Element(Atom + "summary")?.Value, html, deadline);
        if (string.IsNullOrEmpty(text) && string.IsNullOrEmpty(title))
        {
            return null;
        }

        var links = entry.Elements(Atom + "link").ToList();
        var link = links.FirstOrDefault(l => (string?)l.Attribute("rel") is null or "alternate") ?? links.FirstOrDefault();
        return new CrawledItem
        {
            ExternalId = entry.Element(Atom + "id")?.Value.Trim(),
            Url = Resolve(pageUri, (string?)link?.Attribute("href")),
            Title = title,
            Text = string.IsNullOrEmpty(text) ? title! : text,
            Author = Person(entry.Element(Atom + "author")?.Element(Atom + "name")?.Value),
            PublishedAt = ForumTime.Parse(entry.Element(Atom + "published")?.Value ?? entry.Element(Atom + "updated")?.Value, zone, now),
        };
    }

    /// <summary>RSS puts "mail@host (Name)" in author: keep the name, never the address.</summary>
    private static string? Person(string? raw)
    {
        var name = FieldSelector.Collapse(raw);
        var open = name.IndexOf('(');
        if (name.Contains('@', StringComparison.Ordinal) && open >= 0 && name.EndsWith(')'))
        {
            name = name[(open + 1)..^1].Trim();
        }

        return name.Length == 0 ? null : name;
    }

    private static string? Value(XElement parent, string name) =>
        parent.Element(name)?.Value.Trim() is { Length: > 0 } v ? v : null;

    private static string? Clean(string? htmlOrText, HtmlParser html, CancellationToken deadline) =>
        string.IsNullOrWhiteSpace(htmlOrText) ? null : HtmlText.OfFragment(htmlOrText, html, deadline);

    internal static string? Resolve(Uri baseUri, string? href) =>
        string.IsNullOrWhiteSpace(href) ? null : Uri.TryCreate(baseUri, href.Trim(), out var uri) ? uri.ToString() : href.Trim();

    private static string Snippet(string value) => value.Length <= 60 ? value : value[..60] + "…";

    [GeneratedRegex(@"[\x00-\x08\x0B\x0C\x0E-\x1F]")]
    private static partial Regex ControlChars();

    [GeneratedRegex(@"&(?:(?<name>#?\w+);)?", RegexOptions.CultureInvariant)]
    private static partial Regex Entity();

    [GeneratedRegex(@"<(item|entry)[\s>].*?</\1>", RegexOptions.Singleline)]
    private static partial Regex EntryBlock();

    [GeneratedRegex(@"xmlns(:\w+)?=""[^""]*""")]
    private static partial Regex XmlnsDeclaration();
}
