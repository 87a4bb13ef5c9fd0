using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SentimentWatch.Core.Privacy;

/// <summary>What the redactor looks for. Addresses and names are opt-in: they cost precision (decision 082).</summary>
[Flags]
public enum RedactionKinds
{
    None = 0,
    Email = 1,
    Phone = 2,
    IdNumber = 4,
    Card = 8,
    Address = 16,
    Name = 32,

    /// <summary>The kinds redacted unless configured otherwise (<c>Privacy:Redact</c>).</summary>
    Default = Email | Phone | IdNumber | Card,
    All = Default | Address | Name,
}

/// <summary>One piece of personal data found in a text: where, how long, what kind.</summary>
public readonly record struct RedactionSpan(int Start, int Length, RedactionKinds Kind);

/// <summary>
/// Removes complainants' personal data — e-mail addresses, phone numbers (mainland mobile and
/// landline, international), PRC resident ID numbers, bank card numbers, and on request street
/// addresses and names with an honorific — before a mention is stored, indexed or sent anywhere.
/// Each kind is replaced by a fixed token so the text still reads naturally and the models still
/// see that something was there. Detection runs on a compatibility-folded copy (full-width and
/// other-script digits read as ASCII, what NFKC does for them) of the same length, and the spans
/// found are replaced in the original, so the rest of the post is stored exactly as written.
/// Measured on a labelled set in docs/privacy.md.
/// </summary>
public static partial class PersonalDataRedactor
{
    public const string EmailToken = "[email]";
    public const string PhoneToken = "[phone]";
    public const string IdNumberToken = "[id-number]";
    public const string CardToken = "[card]";
    public const string AddressToken = "[address]";
    public const string NameToken = "[name]";

    // Searched once per URL at the intake door: kept, not built per call.
    private static readonly SearchValues<char> QueryStarts = SearchValues.Create("?#");
    private static readonly SearchValues<char> AuthorityEnds = SearchValues.Create("/?#");

    public static string Redact(string? text) => Redact(text, RedactionKinds.Default);

    public static string Redact(string? text, RedactionKinds kinds)
    {
        // A number glued to a redacted one (no separator between them) only stands alone once its
        // neighbour became a token, so redact until nothing changes: stored text is then stable
        // under a second redaction (the property tests found "…10+9.318)9219249" redacted in two
        // passes). Each pass only runs after one that replaced something, and spans only shrink
        // the digits left, so three passes are plenty.
        var current = text ?? string.Empty;
        for (var pass = 0; pass < 3; pass++)
        {
            var next = RedactOnce(current, kinds);
            if (ReferenceEquals(next, current))
            {
                break;
            }

            current = next;
        }

        return current;
    }

    private static string RedactOnce(string text, RedactionKinds kinds)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var spans = Find(text, kinds);
        if (spans.Count == 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var at = 0;
        foreach (var span in spans)
        {
            result.Append(text, at, span.Start - at).Append(Token(span.Kind));
            at = span.Start + span.Length;
        }

        return result.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>
    /// A URL with personal data in its path or query replaced (tokens percent-encoded so the URL
    /// stays one); scheme, host and port are kept so a reader still sees where the post was.
    /// </summary>
    public static string RedactUrl(string url, RedactionKinds kinds = RedactionKinds.Default)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url;
        }

        var authorityEnd = AuthorityEnd(url);
        var queryStart = url.AsSpan(authorityEnd).IndexOfAny(QueryStarts) is var q and >= 0 ? authorityEnd + q : -1;
        if (queryStart < 0)
        {
            queryStart = url.Length;
        }

        // A path names things: a long digit run there is the post's number (X/Twitter 19 digits,
        // Weibo 16, Douyin 19), not a card number, and redacting it breaks the link to the original
        // post. The query and fragment carry values a person typed: every kind is redacted there.
        var path = RedactUrlPart(url[authorityEnd..queryStart], IdentifierKinds(kinds));
        var query = RedactUrlPart(url[queryStart..], kinds);
        if (path is null && query is null)
        {
            return url;
        }

        return string.Concat(url.AsSpan(0, authorityEnd), path ?? url[authorityEnd..queryStart], query ?? url[queryStart..]);
    }

    /// <summary>
    /// The kinds to redact in an identifier (a URL path, a post or thread id): contact data and ID
    /// numbers, but not card numbers, since platforms number their posts with 16–19-digit runs.
    /// </summary>
    public static RedactionKinds IdentifierKinds(RedactionKinds kinds) => kinds & ~RedactionKinds.Card;

    /// <summary>The part redacted and percent-encoded again, or null when it holds nothing to redact.</summary>
    private static string? RedactUrlPart(string part, RedactionKinds kinds)
    {
        if (part.Length == 0)
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(part.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            decoded = part;
        }

        if (Find(decoded, kinds).Count == 0)
        {
            return null;
        }

        var redacted = Redact(decoded, kinds);
        var encoded = new StringBuilder(part.Length);
        foreach (var b in Encoding.UTF8.GetBytes(redacted))
        {
            if (b > 0x20 && b < 0x7f && b is not ((byte)'[' or (byte)']' or (byte)'"' or (byte)'<' or (byte)'>' or (byte)'\\' or (byte)'^' or (byte)'`' or (byte)'{' or (byte)'|' or (byte)'}'))
            {
                encoded.Append((char)b);
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    public static bool ContainsPersonalData(string? text) => ContainsPersonalData(text, RedactionKinds.Default);

    public static bool ContainsPersonalData(string? text, RedactionKinds kinds) => !string.IsNullOrEmpty(text) && Find(text, kinds).Count > 0;

    /// <summary>Every piece of personal data of <paramref name="kinds"/> in <paramref name="text"/>, in order, never overlapping.</summary>
    public static IReadOnlyList<RedactionSpan> Find(string text, RedactionKinds kinds = RedactionKinds.Default)
    {
        var folded = Fold(text);
        var spans = new List<RedactionSpan>();

        // Nothing but addresses and names can be found without a digit or an '@': most posts stop here.
        if (!HasDigitOrAt(folded) && (kinds & (RedactionKinds.Address | RedactionKinds.Name)) == 0)
        {
            return spans;
        }

        // Order matters: an 18-digit ID number also looks like a long phone number or card, and
        // an address's house number must not be taken for anything else.
        if (kinds.HasFlag(RedactionKinds.Email) && folded.Contains('@'))
        {
            foreach (Match m in EmailPattern().Matches(folded))
            {
                var start = m.Index + LeadingLabelLength(m.Groups["local"].Value);
                Add(spans, start, m.Index + m.Length - start, RedactionKinds.Email);
            }
        }

        if (kinds.HasFlag(RedactionKinds.IdNumber))
        {
            foreach (var m in IdNumberPattern().EnumerateMatches(folded))
            {
                if (IsResidentId(Digits(folded.Substring(m.Index, m.Length))))
                {
                    Add(spans, m.Index, m.Length, RedactionKinds.IdNumber);
                }
            }
        }

        if (kinds.HasFlag(RedactionKinds.Card))
        {
            foreach (var m in CardPattern().EnumerateMatches(folded))
            {
                if (IsCard(Digits(folded.Substring(m.Index, m.Length)), folded, m.Index))
                {
                    Add(spans, m.Index, m.Length, RedactionKinds.Card);
                }
            }
        }

        if (kinds.HasFlag(RedactionKinds.Phone))
        {
            foreach (var pattern in new[] { MobilePattern(), InternationalPhonePattern(), NorthAmericanPhonePattern(), LandlinePattern() })
            {
                foreach (var m in pattern.EnumerateMatches(folded))
                {
                    if (Digits(folded.Substring(m.Index, m.Length)).Length is >= 7 and <= 15)
                    {
                        Add(spans, m.Index, m.Length, RedactionKinds.Phone);
                    }
                }
            }
        }

        if (kinds.HasFlag(RedactionKinds.Address))
        {
            foreach (var pattern in new[] { ChineseAddressPattern(), EnglishAddressPattern() })
            {
                foreach (var m in pattern.EnumerateMatches(folded))
                {
                    Add(spans, m.Index, m.Length, RedactionKinds.Address);
                }
            }
        }

        if (kinds.HasFlag(RedactionKinds.Name))
        {
            foreach (var pattern in new[] { ChineseHonorificNamePattern(), EnglishHonorificNamePattern() })
            {
                foreach (var m in pattern.EnumerateMatches(folded))
                {
                    if (!NotAPerson.Contains(folded.Substring(m.Index, m.Length)))
                    {
                        Add(spans, m.Index, m.Length, RedactionKinds.Name);
                    }
                }
            }
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        return spans;
    }

    public static string Token(RedactionKinds kind) => kind switch
    {
        RedactionKinds.Email => EmailToken,
        RedactionKinds.Phone => PhoneToken,
        RedactionKinds.IdNumber => IdNumberToken,
        RedactionKinds.Card => CardToken,
        RedactionKinds.Address => AddressToken,
        RedactionKinds.Name => NameToken,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "one kind at a time"),
    };

    /// <summary>
    /// The text with the compatibility forms that hide personal data folded as NFKC folds them —
    /// full-width ASCII (１３８, ＠), other scripts' decimal digits, the ideographic space, dash
    /// look-alikes — one character for one, so positions in it are positions in the original.
    /// </summary>
    internal static string Fold(string text)
    {
        var i = 0;
        while (i < text.Length && text[i] < 0x80)
        {
            i++;
        }

        if (i == text.Length)
        {
            return text;
        }

        return string.Create(text.Length, text, static (chars, source) =>
        {
            for (var j = 0; j < source.Length; j++)
            {
                var c = source[j];
                chars[j] = c switch
                {
                    < (char)0x80 => c,
                    >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
                    '\u3000' or '\u00A0' or '\u2007' or '\u202F' => ' ',
                    '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2015' or '\u2212' or '\uFE63' => '-',
                    '\u3002' when j + 1 < source.Length && IsAsciiLetter(source[j + 1]) => '.',
                    _ when char.IsDigit(c) => (char)('0' + (int)char.GetNumericValue(c)),
                    _ => c,
                };
            }
        });
    }

    private static bool IsAsciiLetter(char c) => char.IsAsciiLetter(c) || c is >= '\uFF21' and <= '\uFF3A' or >= '\uFF41' and <= '\uFF5A';

    private static bool HasDigitOrAt(string folded)
    {
        foreach (var c in folded)
        {
            if (char.IsAsciiDigit(c) || c == '@')
            {
                return true;
            }
        }

        return false;
    }

    private static void Add(List<RedactionSpan> spans, int start, int length, RedactionKinds kind)
    {
        foreach (var span in spans)
        {
            if (start < span.Start + span.Length && span.Start < start + length)
            {
                return;
            }
        }

        spans.Add(new RedactionSpan(start, length, kind));
    }

    private static int AuthorityEnd(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return 0;
        }

        var end = url.AsSpan(scheme + 3).IndexOfAny(AuthorityEnds) is var e and >= 0 ? scheme + 3 + e : -1;
        var authorityEnd = end < 0 ? url.Length : end;

        // user:password@host carries an identity: then the authority is redacted too.
        var at = url.IndexOf('@', scheme + 3);
        return at >= 0 && at < authorityEnd ? scheme + 3 : authorityEnd;
    }

    private static string Digits(string value)
    {
        var digits = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c) || c is 'X' or 'x')
            {
                digits.Append(char.ToUpperInvariant(c));
            }
        }

        return digits.ToString();
    }

    /// <summary>
    /// A Chinese label run directly before a Latin local part ("邮箱zs@qq.com") is the sentence,
    /// not the address; a local part written wholly in Chinese ("张三@例子.中国") is kept whole.
    /// </summary>
    private static int LeadingLabelLength(string local)
    {
        var cjk = 0;
        while (cjk < local.Length && IsCjk(local[cjk]))
        {
            cjk++;
        }

        return cjk < local.Length ? cjk : 0;
    }

    private static bool IsCjk(char c) => c is >= '\u3400' and <= '\u9FFF' or >= '\uF900' and <= '\uFAFF';

    // Provinces' first two digits (GB/T 2260): 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71, 81, 82.
    private static bool IsProvince(string digits) =>
        int.Parse(digits.AsSpan(0, 2), CultureInfo.InvariantCulture) is (>= 11 and <= 15) or (>= 21 and <= 23) or (>= 31 and <= 37)
            or (>= 41 and <= 46) or (>= 50 and <= 54) or (>= 61 and <= 65) or 71 or 81 or 82;

    /// <summary>
    /// 18 characters (GB 11643: 17 digits + check digit 0–9 or X) or the pre-1999 15 digits, with
    /// a province code and a real birth date. A wrong check digit is still somebody's mistyped ID,
    /// so the checksum only confirms; the province and the date keep order numbers out.
    /// </summary>
    private static bool IsResidentId(string value)
    {
        if (value.Length == 15)
        {
            return !value.Contains('X', StringComparison.Ordinal) && IsProvince(value) && IsBirthDate("19" + value.Substring(6, 2), value.Substring(8, 2), value.Substring(10, 2));
        }

        if (value.Length != 18 || value[..17].Contains('X', StringComparison.Ordinal) || !IsProvince(value))
        {
            return false;
        }

        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const string checks = "10X98765432";
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (value[i] - '0') * weights[i];
        }

        // A wrong check digit with a real birth date is still somebody's mistyped ID, so the
        // date decides; the checksum is computed to document the format, not to filter.
        _ = checks[sum % 11];
        return IsBirthDate(value.Substring(6, 4), value.Substring(10, 2), value.Substring(12, 2));
    }

    private static bool IsBirthDate(string year, string month, string day) =>
        int.TryParse(year, CultureInfo.InvariantCulture, out var y) && y is >= 1900 and <= 2030
        && int.TryParse(month, CultureInfo.InvariantCulture, out var m) && m is >= 1 and <= 12
        && int.TryParse(day, CultureInfo.InvariantCulture, out var d) && d >= 1 && d <= DateTime.DaysInMonth(y, m);

    /// <summary>
    /// 13–19 digits behind an issuer prefix: 3 (Amex, JCB, Diners), 4 (Visa), 5 (Mastercard),
    /// 6 (UnionPay, Discover), 2221–2720 (Mastercard 2-series). 16–19 digits need no Luhn — a
    /// mistyped card is still a card — unless the words before it say it is an order, a
    /// tracking or a transaction number; 13–15 digits must pass Luhn (decision 082).
    /// </summary>
    private static bool IsCard(string digits, string folded, int at)
    {
        if (digits.Length is < 13 or > 19 || digits.Contains('X', StringComparison.Ordinal))
        {
            return false;
        }

        var issuer = digits[0] is >= '3' and <= '6'
            || (digits.Length == 16 && int.Parse(digits.AsSpan(0, 4), CultureInfo.InvariantCulture) is >= 2221 and <= 2720);
        if (!issuer)
        {
            return false;
        }

        // Words just before it saying order, tracking, transaction or member number win over the
        // shape (one such number in ten passes Luhn by chance).
        if (NotACardContext().IsMatch(folded.AsSpan(Math.Max(0, at - 16), Math.Min(at, 16))))
        {
            return false;
        }

        return digits.Length >= 16 || LuhnValid(digits);
    }

    private static bool LuhnValid(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return sum % 10 == 0;
    }

    /// <summary>Brands and titles that look like "Mr X" but are nobody: measured false positives.</summary>
    private static readonly HashSet<string> NotAPerson = new(StringComparer.OrdinalIgnoreCase)
    {
        "Dr Pepper", "Dr. Pepper", "Dr Martens", "Dr. Martens", "Mr Bean", "Mr. Bean", "Mr Coffee", "Mr. Coffee",
        "Mr Clean", "Mr. Clean", "Dr Who", "Dr. Who", "Mr Right", "Mr. Right",
    };

    // Local part: letters of any script, digits and . _ % + -; domain labels likewise; the TLD is
    // Latin or Cyrillic letters, or one of the Chinese TLDs (an open-ended Chinese run would swallow
    // the sentence after the address).
    [GeneratedRegex(@"(?<local>[\p{L}\p{M}\p{N}._%+\-]+)@(?:[\p{L}\p{M}\p{N}\-]+\.)+(?:[A-Za-z]{2,24}(?![A-Za-z])|\p{IsCyrillic}{2,24}|中国|中國|公司|网络|網絡|香港|台湾|台灣|新加坡|在线|中文网)", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // 18 or 15 characters, optionally in space- or dash-separated groups (3101 1519 9003 0745 60).
    [GeneratedRegex(@"(?<![0-9A-Za-z])[1-8]\d(?:[ -]?\d){13}(?:(?:[ -]?\d){2}[ -]?[0-9Xx])?(?![0-9A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex IdNumberPattern();

    [GeneratedRegex(@"(?<![0-9A-Za-z])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    [GeneratedRegex(@"(?:订单|訂單|单号|單號|运单|運單|快递|快遞|物流|流水|交易|编号|編號|会员|會員|工单|工單|order|tracking|invoice|ref|txn|transaction|member|ticket|no\.|#)\W{0,3}[^0-9]{0,6}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex NotACardContext();

    // Mainland mobile: 1[3-9]x, 11 digits, optionally +86 / 0086 / (+86) and separators (138-1234-5678, 1381 234 5678).
    [GeneratedRegex(@"(?<![0-9A-Za-z])(?:(?:\(?(?:\+|00)86\)?)[ .-]?)?1[3-9]\d(?:[ .-]?\d{4}[ .-]?\d{4}|\d[ .-]?\d{3}[ .-]?\d{4})(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex MobilePattern();

    // E.164 written for people: +44 20 7946 0958, +49-30-1234567, +33.1.23.45.67.89, +852 9123 4567.
    [GeneratedRegex(@"(?<![0-9A-Za-z_+])\+[1-9]\d{0,2}(?:[ .-]?\(?\d{1,5}\)?){1,6}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex InternationalPhonePattern();

    // North American without the +1: (415) 555-0132, 415-555-0132, 415.555.0132. Only ASCII letters
    // and digits count as a word before it (\w would include the Chinese text it follows);
    // 400-xxx-xxxx / 800-xxx-xxxx service hotlines are companies', so they are kept.
    [GeneratedRegex(@"(?<![0-9A-Za-z_+.\-])(?![48]00[ .-]\d{3}[ .-]\d{4}(?!\d))(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![0-9\-])", RegexOptions.CultureInvariant)]
    private static partial Regex NorthAmericanPhonePattern();

    // Mainland landline (010-12345678, 0755-1234567, (021)12345678, 0755 1234 5678) and national
    // numbers with a trunk 0 elsewhere (020 7946 0958, 030-1234567).
    [GeneratedRegex(@"(?<![0-9A-Za-z.\-/])(?:\(0\d{1,3}\)[ -]?\d{7,8}|0\d{2,3}-\d{7,8}|0\d{1,4}[ .-]\d{3,4}[ .-]\d{3,4})(?![0-9\-/.:])", RegexOptions.CultureInvariant)]
    private static partial Regex LandlinePattern();

    // 上海市徐汇区漕溪北路88号3号楼1201室: optional province/city/district, a road, a house number,
    // optional building and room. Each place level is the shortest run before its suffix, taken once (atomic: an unbounded
    // lazy repeat backtracked through every split of a long run of place names, over 100 s for 100,000 characters), and
    // may be one character (曹县, 城区).
    [GeneratedRegex(@"(?:(?>[\u4e00-\u9fff]{1,6}?(?:省|市|区|區|县|縣|镇|鎮))){0,5}[\u4e00-\u9fff]{1,4}(?:路|街|大道|大街|巷|弄|胡同)\d{1,5}(?:号|號)(?:(?:[\u4e00-\u9fff]{0,3}\d{1,4}|\d{1,4})(?:号楼|號樓|栋|棟|幢|单元|單元|楼|樓|层|層|室|号|號))*", RegexOptions.CultureInvariant)]
    private static partial Regex ChineseAddressPattern();

    // 221B Baker Street, 1600 Pennsylvania Ave NW, Apt 4
    [GeneratedRegex(@"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Close|Crescent)\b\.?(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?(?:,?\s*(?:Apt|Apartment|Suite|Unit|Flat|#)\.?\s*[0-9A-Za-z]{1,5})?", RegexOptions.CultureInvariant)]
    private static partial Regex EnglishAddressPattern();

    // 张先生, 王女士, 欧阳小姐, 李建国先生: a common surname, up to two more characters, an honorific.
    [GeneratedRegex(@"(?:欧阳|歐陽|司马|司馬|上官|诸葛|諸葛|东方|東方|[王李张張刘劉陈陳杨楊黄黃赵趙吴吳周徐孙孫马馬朱胡郭何高林罗羅郑鄭梁谢謝宋唐许許韩韓冯馮邓鄧曹彭曾肖田董袁潘于蒋蔣蔡余杜叶葉程苏蘇魏吕呂丁任沈姚卢盧姜崔钟鍾谭譚陆陸汪范金石廖贾賈夏韦韋付方白邹鄒孟熊秦邱江尹薛闫閆段雷侯龙龍史陶黎贺賀顾顧毛郝龚龔邵万萬钱錢严嚴覃武戴莫孔向汤湯])[\u4e00-\u9fff]{0,2}?(?:先生|女士|小姐|太太|老师|老師|阿姨)", RegexOptions.CultureInvariant)]
    private static partial Regex ChineseHonorificNamePattern();

    [GeneratedRegex(@"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?", RegexOptions.CultureInvariant)]
    private static partial Regex EnglishHonorificNamePattern();
}
