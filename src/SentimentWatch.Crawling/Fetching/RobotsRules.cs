using System.Globalization;
using System.Text.RegularExpressions;

namespace SentimentWatch.Crawling.Fetching;

/// <summary>
/// The rules of one robots.txt (RFC 9309) for our user agent: the group naming our product
/// token, else <c>*</c>; the longest matching Allow/Disallow wins, Allow on a tie; <c>*</c>
/// and <c>$</c> wildcards; Crawl-delay kept as a politeness hint.
/// </summary>
public sealed class RobotsRules
{
    public static readonly RobotsRules AllowAll = new([], null);
    public static readonly RobotsRules DisallowAll = new([new Rule("/", false, new Regex("^/", RegexOptions.CultureInvariant))], null);

    private readonly IReadOnlyList<Rule> _rules;

    private RobotsRules(IReadOnlyList<Rule> rules, TimeSpan? crawlDelay)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
    }

    public TimeSpan? CrawlDelay { get; }

    private sealed record Rule(string Pattern, bool Allow, Regex Matcher);

    public bool IsAllowed(Uri uri)
    {
        var path = uri.PathAndQuery;
        if (path == "/robots.txt")
        {
            return true;
        }

        Rule? best = null;
        foreach (var rule in _rules)
        {
            if (!rule.Matcher.IsMatch(path))
            {
                continue;
            }

            if (best is null || rule.Pattern.Length > best.Pattern.Length || (rule.Pattern.Length == best.Pattern.Length && rule.Allow))
            {
                best = rule;
            }
        }

        return best?.Allow ?? true;
    }

    public static RobotsRules Parse(string content, string userAgent)
    {
        var token = userAgent.Split('/', ' ')[0].Trim().ToLowerInvariant();
        var groups = new List<Group>();
        Group? current = null;
        var lastWasAgent = false;

        foreach (var rawLine in content.Split('\n'))
        {
            var line = rawLine;
            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }

            var colon = line.IndexOf(':');
            if (colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (key == "user-agent")
            {
                if (current is null || !lastWasAgent)
                {
                    current = new Group();
                    groups.Add(current);
                }

                current.Agents.Add(value.ToLowerInvariant());
                lastWasAgent = true;
                continue;
            }

            lastWasAgent = false;
            if (current is null)
            {
                continue;
            }

            if (key is "allow" or "disallow" && value.Length > 0)
            {
                current.Rules.Add(new Rule(value, key == "allow", ToRegex(value)));
            }
            else if (key == "crawl-delay" && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 3600)
            {
                current.Delay = TimeSpan.FromSeconds(seconds);
            }
        }

        var mine = groups.Where(g => g.Agents.Any(a => a != "*" && token.StartsWith(a, StringComparison.Ordinal))).ToList();
        if (mine.Count == 0)
        {
            mine = groups.Where(g => g.Agents.Contains("*")).ToList();
        }

        return new RobotsRules(mine.SelectMany(g => g.Rules).ToList(), mine.Select(g => g.Delay).FirstOrDefault(d => d is not null));
    }

    private sealed class Group
    {
        public List<string> Agents { get; } = [];
        public List<Rule> Rules { get; } = [];
        public TimeSpan? Delay { get; set; }
    }

    private static Regex ToRegex(string pattern)
    {
        var anchored = pattern.EndsWith('$');
        var body = Regex.Escape(anchored ? pattern[..^1] : pattern).Replace(@"\*", ".*", StringComparison.Ordinal);
        return new Regex("^" + body + (anchored ? "$" : string.Empty), RegexOptions.CultureInvariant);
    }
}
