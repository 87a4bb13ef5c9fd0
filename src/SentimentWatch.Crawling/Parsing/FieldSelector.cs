using System.Globalization;
using AngleSharp.Dom;

namespace SentimentWatch.Crawling.Parsing;

/// <summary>
/// A configured field selector: <c>css</c>, <c>css@attr</c> or <c>@attr</c> (the context
/// element's own attribute), with <c> || </c>-separated alternatives tried in order.
/// </summary>
public sealed record FieldSelector(IReadOnlyList<FieldSelector.Alternative> Alternatives)
{
    public sealed record Alternative(string Css, string? Attribute);

    public static FieldSelector Parse(string spec)
    {
        var alternatives = spec.Split("||", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part =>
            {
                // '@' inside an attribute selector ([data-x="a@b"]) is not our suffix: take the last '@' after the last ']'.
                var at = part.LastIndexOf('@');
                return at >= 0 && at > part.LastIndexOf(']')
                    ? new Alternative(part[..at].Trim(), part[(at + 1)..].Trim())
                    : new Alternative(part, null);
            })
            .ToList();
        return new FieldSelector(alternatives);
    }

    /// <summary>The first non-empty value any alternative yields within <paramref name="scope"/>.</summary>
    public string? Read(IElement scope)
    {
        foreach (var alternative in Alternatives)
        {
            var element = alternative.Css.Length == 0 ? scope : scope.QuerySelector(alternative.Css);
            if (element is null)
            {
                continue;
            }

            var value = alternative.Attribute is null ? element.TextContent : element.GetAttribute(alternative.Attribute);
            value = Collapse(value);
            if (!string.IsNullOrEmpty(value))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The elements the first matching alternative selects (attributes ignored).</summary>
    public IReadOnlyList<IElement> All(IParentNode scope)
    {
        foreach (var alternative in Alternatives)
        {
            if (alternative.Css.Length == 0)
            {
                continue;
            }

            var found = scope.QuerySelectorAll(alternative.Css);
            if (found.Length > 0)
            {
                return found.ToList();
            }
        }

        return [];
    }

    public static string Collapse(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var builder = new System.Text.StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || c == '\u00a0')
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>The first whole number in a label such as "回复: 1,234" or "12 replies"; 0 when none.</summary>
    public static long ParseCount(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        var digits = new System.Text.StringBuilder();
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is ',' && digits.Length > 0)
            {
                continue;
            }
            else if (digits.Length > 0)
            {
                break;
            }
        }

        var number = digits.Length > 0 && long.TryParse(digits.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        // "1.2万" / "3k": forums abbreviate big counts.
        if (value.Contains('万', StringComparison.Ordinal))
        {
            number *= 10_000;
        }

        return number;
    }
}
