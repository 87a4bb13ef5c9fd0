using SentimentWatch.Core;

namespace SentimentWatch.Crawling.Sources;

/// <summary>
/// The platform kinds are presets over the JSON and feed machinery: each one becomes an ordinary
/// <see cref="SourceKind.Json"/> or <see cref="SourceKind.Rss"/> source with the platform's
/// endpoint, item paths, ids, permalinks, authors, engagement and pagination filled in. A field
/// the user sets on <see cref="CrawlSource.Json"/> overrides the preset's (an instance that
/// renames a field keeps working without waiting for a release).
/// </summary>
public static class SourcePresets
{
    public static bool IsPlatform(SourceKind kind) => kind >= SourceKind.Mastodon;

    /// <summary>Problems that stop the preset from building its endpoint, each naming its setting.</summary>
    public static IEnumerable<string> Validate(CrawlSource source, string path)
    {
        switch (source.Kind)
        {
            case SourceKind.Mastodon:
                if (string.IsNullOrWhiteSpace(source.BaseUrl))
                {
                    yield return $"{path}:BaseUrl is required for kind 'mastodon' (the instance, e.g. https://mastodon.social)";
                }

                if (string.IsNullOrWhiteSpace(source.Hashtag) == string.IsNullOrWhiteSpace(source.Query))
                {
                    yield return $"{path} of kind 'mastodon' needs exactly one of Hashtag (tag timeline) or Query (status search, needs Auth on most instances)";
                }

                break;
            case SourceKind.Reddit when string.IsNullOrWhiteSpace(source.Subreddit) && string.IsNullOrWhiteSpace(source.Query):
                yield return $"{path} of kind 'reddit' needs Subreddit, Query or both";
                break;
            case SourceKind.HackerNews when string.IsNullOrWhiteSpace(source.Query):
                yield return $"{path}:Query is required for kind 'hackernews' (the words to search for)";
                break;
            case SourceKind.Discourse when string.IsNullOrWhiteSpace(source.BaseUrl):
                yield return $"{path}:BaseUrl is required for kind 'discourse' (the forum, e.g. https://meta.discourse.org)";
                break;
            case SourceKind.V2ex when source.Feed is not null and not ("hot" or "latest"):
                yield return $"{path}:Feed must be 'hot' or 'latest' for kind 'v2ex' (or set Node)";
                break;
            case SourceKind.RssHub when string.IsNullOrWhiteSpace(source.Route) || !source.Route.StartsWith('/'):
                yield return $"{path}:Route is required for kind 'rsshub' and starts with '/', e.g. /weibo/user/1195230310";
                break;
        }

        if (source.BaseUrl is { Length: > 0 } baseUrl && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            yield return $"{path}:BaseUrl '{ProblemText.Quote(baseUrl)}' is not an absolute http(s) URL";
        }
    }

    /// <summary>The concrete JSON or RSS source a platform kind stands for; other kinds unchanged.</summary>
    public static CrawlSource Expand(CrawlSource source)
    {
        if (!IsPlatform(source.Kind))
        {
            return source;
        }

        var (kind, urls, paths) = source.Kind switch
        {
            SourceKind.Mastodon => Mastodon(source),
            SourceKind.Reddit => Reddit(source),
            SourceKind.HackerNews => HackerNews(source),
            SourceKind.Discourse => Discourse(source),
            SourceKind.V2ex => V2ex(source),
            _ => (SourceKind.Rss, new List<string> { Base(source, "https://rsshub.app") + source.Route }, (JsonPaths?)null),
        };

        return new CrawlSource
        {
            Id = source.Id,
            Kind = kind,
            Enabled = source.Enabled,
            Urls = source.Urls.Count > 0 ? source.Urls : urls,
            Interval = source.Interval,
            Cron = source.Cron,
            TimeZone = source.TimeZone,
            MaxPages = source.MaxPages,
            MaxThreads = source.MaxThreads,
            ResumeThreads = source.ResumeThreads,
            Language = source.Language,
            Json = paths is null ? null : Merge(paths, source.Json),
            Auth = source.Auth,
            Render = source.Render,
        };
    }

    private static string Base(CrawlSource source, string fallback) => (string.IsNullOrWhiteSpace(source.BaseUrl) ? fallback : source.BaseUrl).TrimEnd('/');

    private static string Q(string? value) => Uri.EscapeDataString(value ?? string.Empty);

    private static (SourceKind, List<string>, JsonPaths?) Mastodon(CrawlSource s)
    {
        var tag = string.IsNullOrWhiteSpace(s.Hashtag) ? null : s.Hashtag.TrimStart('#');
        var url = tag is not null
            ? $"{Base(s, "")}/api/v1/timelines/tag/{Q(tag)}?limit=40"
            : $"{Base(s, "")}/api/v2/search?q={Q(s.Query)}&type=statuses&limit=40";
        return (SourceKind.Json, [url], new JsonPaths
        {
            Items = tag is not null ? "" : "statuses",
            Id = "id",
            Text = "content || spoiler_text",
            Title = "spoiler_text",
            Author = "account.acct",
            PublishedAt = "created_at",
            Url = "url || uri",
            Replies = "replies_count",
            Likes = "favourites_count",
            Shares = "reblogs_count",
            Reach = "account.followers_count",
            NextFromLinkHeader = true,
        });
    }

    private static (SourceKind, List<string>, JsonPaths?) Reddit(CrawlSource s)
    {
        var site = Base(s, "https://www.reddit.com");
        var sub = s.Subreddit?.Trim().TrimStart('/').Replace("r/", string.Empty, StringComparison.Ordinal);
        var url = string.IsNullOrWhiteSpace(s.Query)
            ? $"{site}/r/{Q(sub)}/new.json?limit=100&raw_json=1"
            : string.IsNullOrWhiteSpace(sub)
                ? $"{site}/search.json?q={Q(s.Query)}&sort=new&limit=100&raw_json=1"
                : $"{site}/r/{Q(sub)}/search.json?q={Q(s.Query)}&restrict_sr=1&sort=new&limit=100&raw_json=1";
        return (SourceKind.Json, [url], new JsonPaths
        {
            Items = "data.children",
            Id = "data.id",
            Title = "data.title",
            Text = "data.selftext_html || data.body_html || data.selftext || data.body || data.title",
            Author = "data.author",
            PublishedAt = "data.created_utc",
            ThreadId = "data.link_id || data.name",
            Replies = "data.num_comments",
            Likes = "data.score",
            UrlTemplate = "https://www.reddit.com{data.permalink}",
            NextCursor = "data.after",
            CursorParameter = "after",
        });
    }

    private static (SourceKind, List<string>, JsonPaths?) HackerNews(CrawlSource s) =>
        (SourceKind.Json, [$"{Base(s, "https://hn.algolia.com")}/api/v1/search_by_date?query={Q(s.Query)}&tags=(story,comment)&hitsPerPage=50"], new JsonPaths
        {
            Items = "hits",
            Id = "objectID",
            Title = "title || story_title",
            Text = "comment_text || story_text || title",
            Author = "author",
            PublishedAt = "created_at_i || created_at",
            ThreadId = "story_id",
            Likes = "points",
            Replies = "num_comments",
            UrlTemplate = "https://news.ycombinator.com/item?id={id}",
            PageParameter = "page",
            PageCount = "nbPages",
        });

    private static (SourceKind, List<string>, JsonPaths?) Discourse(CrawlSource s)
    {
        var site = Base(s, "");
        if (s.TopicId is { } topic)
        {
            return (SourceKind.Json, [$"{site}/t/{topic}.json"], new JsonPaths
            {
                Items = "post_stream.posts", Id = "id", Text = "cooked", Author = "username", PublishedAt = "created_at",
                ThreadId = "topic_id", Replies = "reply_count", Reach = "reads", UrlTemplate = $"{site}/t/{{topic_slug}}/{{topic_id}}/{{post_number}}",
            });
        }

        if (!string.IsNullOrWhiteSpace(s.Query))
        {
            return (SourceKind.Json, [$"{site}/search.json?q={Q(s.Query + " order:latest")}"], new JsonPaths
            {
                Items = "posts", Id = "id", Text = "blurb", Author = "username", PublishedAt = "created_at", ThreadId = "topic_id",
                Likes = "like_count", UrlTemplate = $"{site}/p/{{id}}",
            });
        }

        return (SourceKind.Json, [$"{site}/posts.json"], new JsonPaths
        {
            Items = "latest_posts", Id = "id", Title = "topic_title", Text = "cooked", Author = "username", PublishedAt = "created_at",
            ThreadId = "topic_id", Replies = "reply_count", Reach = "reads", UrlTemplate = $"{site}/t/{{topic_slug}}/{{topic_id}}/{{post_number}}",
        });
    }

    private static (SourceKind, List<string>, JsonPaths?) V2ex(CrawlSource s)
    {
        var site = Base(s, "https://www.v2ex.com");
        var url = !string.IsNullOrWhiteSpace(s.Node)
            ? $"{site}/api/topics/show.json?node_name={Q(s.Node)}"
            : $"{site}/api/topics/{(s.Feed ?? "hot")}.json";
        return (SourceKind.Json, [url], new JsonPaths
        {
            Items = "", Id = "id", Title = "title", Text = "content_rendered || content || title", Author = "member.username",
            PublishedAt = "created", Url = "url", Replies = "replies",
        });
    }

    /// <summary>The preset's paths, with every path the user set explicitly taking precedence.</summary>
    private static JsonPaths Merge(JsonPaths preset, JsonPaths? user)
    {
        if (user is null)
        {
            return preset;
        }

        var defaults = new JsonPaths();
        foreach (var property in typeof(JsonPaths).GetProperties().Where(p => p.CanWrite))
        {
            var value = property.GetValue(user);
            if (!Equals(value, property.GetValue(defaults)))
            {
                property.SetValue(preset, value);
            }
        }

        return preset;
    }
}
