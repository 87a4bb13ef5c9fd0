using System.Text;
using System.Text.RegularExpressions;

namespace SentimentWatch.Crawling.Fetching;

/// <summary>
/// Decodes a page the way a browser would: BOM, then the Content-Type charset, then a
/// <c>&lt;meta charset&gt;</c> / XML declaration in the first bytes, then UTF-8 if the bytes
/// are valid UTF-8, else GB18030 (a superset of GBK/GB2312, the usual unlabeled Chinese page).
/// A header that says UTF-8 over bytes that are not UTF-8, with a meta that says otherwise,
/// loses to the meta: misconfigured servers on GBK forums do exactly that.
/// </summary>
public static partial class CharsetDetector
{
    static CharsetDetector() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Makes GBK, GB2312, Big5 and the other code pages available; idempotent.</summary>
    public static void EnsureCodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static (string Text, Encoding Encoding) Decode(ReadOnlySpan<byte> body, string? headerCharset)
    {
        if (DetectBom(body) is { } bom)
        {
            return (bom.GetString(body[bom.Preamble.Length..]), bom);
        }

        var header = Resolve(headerCharset);
        var declared = Resolve(SniffDeclared(body));
        var validUtf8 = IsValidUtf8(body);

        Encoding encoding;
        if (header is not null && !(header.CodePage == Encoding.UTF8.CodePage && !validUtf8 && declared is not null && declared.CodePage != header.CodePage))
        {
            encoding = header;
        }
        else if (declared is not null && !(declared.CodePage == Encoding.UTF8.CodePage && !validUtf8))
        {
            encoding = declared;
        }
        else
        {
            encoding = validUtf8 ? Encoding.UTF8 : Encoding.GetEncoding("GB18030");
        }

        return (encoding.GetString(body), encoding);
    }

    public static Encoding? Resolve(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return null;
        }

        var name = charset.Trim().Trim('"', '\'').ToLowerInvariant();
        // Browsers decode both labels as GBK's superset; do the same so no character is lost.
        if (name is "gb2312" or "gbk" or "x-gbk" or "gb_2312-80" or "cp936")
        {
            name = "GB18030";
        }

        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static Encoding? DetectBom(ReadOnlySpan<byte> body)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new UTF8Encoding(true);
        }

        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return Encoding.Unicode;
        }

        return body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode : null;
    }

    /// <summary>The charset a page declares about itself in its first 4 KB.</summary>
    public static string? SniffDeclared(ReadOnlySpan<byte> body)
    {
        var head = Encoding.Latin1.GetString(body[..Math.Min(body.Length, 4096)]);
        var match = MetaCharset().Match(head);
        if (match.Success)
        {
            return match.Groups["c"].Value;
        }

        match = XmlDeclaration().Match(head);
        return match.Success ? match.Groups["c"].Value : null;
    }

    public static bool IsValidUtf8(ReadOnlySpan<byte> body) => System.Text.Unicode.Utf8.IsValid(TrimIncompleteTail(body));

    // A body cut at the size cap may end inside a multi-byte character.
    private static ReadOnlySpan<byte> TrimIncompleteTail(ReadOnlySpan<byte> body)
    {
        var cut = body.Length;
        for (var i = 1; i <= Math.Min(3, body.Length); i++)
        {
            var b = body[^i];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            if (needed > i)
            {
                cut = body.Length - i;
            }

            break;
        }

        return body[..cut];
    }

    [GeneratedRegex(@"<meta[^>]+charset\s*=\s*[""']?(?<c>[\w.:-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex MetaCharset();

    [GeneratedRegex(@"<\?xml[^>]+encoding\s*=\s*[""'](?<c>[\w.:-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex XmlDeclaration();
}
