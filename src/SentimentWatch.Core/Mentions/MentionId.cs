using System.Security.Cryptography;
using System.Text;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// The one id scheme: a mention's id is derived from where it came from, never from when it
/// was seen, so the same post crawled twice, or re-processed after a crash, gets the same id
/// and is stored once.
/// </summary>
public static class MentionId
{
    /// <summary>
    /// Id from the source and the origin's own id when there is one, else the canonical URL,
    /// else the text itself (a feedback form without ids).
    /// </summary>
    public static string For(string source, string? externalId, string? url, string? text = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        string key;
        if (!string.IsNullOrWhiteSpace(externalId))
        {
            key = "x|" + externalId.Trim();
        }
        else if (!string.IsNullOrWhiteSpace(url))
        {
            key = "u|" + CanonicalUrl.Normalize(url);
        }
        else if (!string.IsNullOrWhiteSpace(text))
        {
            key = "t|" + TextNormalizer.Normalize(text);
        }
        else
        {
            throw new ArgumentException("a mention needs an external id, a URL or text to derive its id from");
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(source.Trim().ToLowerInvariant() + "\n" + key));
        // 20 hex digits = 80 bits: collision-free at any realistic volume, short enough for URLs.
        return Convert.ToHexStringLower(hash, 0, 10);
    }
}

/// <summary>Canonical form of a URL so tracking parameters and fragments do not make duplicates.</summary>
public static class CanonicalUrl
{
    // Matched against the parameter name: these prefixes, or exactly these names (a prefix
    // "ref" would also drop refund_id, a real parameter, and make different pages one id).
    private static readonly string[] TrackingPrefixes = ["utm_", "spm", "share_"];
    private static readonly string[] TrackingNames = ["from", "fbclid", "gclid", "ref", "wfr", "sharer"];

    public static string Normalize(string url)
    {
        // On Unix "/thread/42" parses as an absolute file:// URI: only web URLs are canonicalised.
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return url.Trim();
        }

        var builder = new UriBuilder(uri) { Fragment = string.Empty, Host = uri.Host.ToLowerInvariant() };
        if ((uri.Scheme == Uri.UriSchemeHttp && uri.Port == 80) || (uri.Scheme == Uri.UriSchemeHttps && uri.Port == 443))
        {
            builder.Port = -1;
        }

        var query = uri.Query.TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !IsTracking(p.Split('=', 2)[0]))
            .Order(StringComparer.Ordinal);
        builder.Query = string.Join('&', query);
        var path = builder.Path.Length > 1 ? builder.Path.TrimEnd('/') : builder.Path;
        builder.Path = path;
        return builder.Uri.GetComponents(UriComponents.AbsoluteUri, UriFormat.UriEscaped);
    }

    private static bool IsTracking(string name) =>
        TrackingPrefixes.Any(t => name.StartsWith(t, StringComparison.OrdinalIgnoreCase))
        || TrackingNames.Any(t => name.Equals(t, StringComparison.OrdinalIgnoreCase));
}
