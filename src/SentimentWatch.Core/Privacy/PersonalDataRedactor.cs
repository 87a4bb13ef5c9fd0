using System.Text.RegularExpressions;

namespace SentimentWatch.Core.Privacy;

/// <summary>
/// Removes complainants' personal data — e-mail addresses, phone numbers (mainland mobile,
/// landline, international), PRC resident ID numbers, bank card numbers — before a mention is
/// stored, indexed or sent anywhere. Each kind is replaced by a fixed token so the text
/// still reads naturally and the models still see that something was there.
/// </summary>
public static partial class PersonalDataRedactor
{
    public const string EmailToken = "[email]";
    public const string PhoneToken = "[phone]";
    public const string IdNumberToken = "[id-number]";
    public const string CardToken = "[card]";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        // Order matters: an 18-digit ID number also looks like a long phone number or card.
        var result = EmailPattern().Replace(text, EmailToken);
        result = IdNumberPattern().Replace(result, m => IsValidResidentId(m.Value) ? IdNumberToken : m.Value);
        result = CardPattern().Replace(result, m => LuhnValid(m.Value) && HasIssuerPrefix(m.Value) ? CardToken : m.Value);
        result = MobilePattern().Replace(result, PhoneToken);
        result = InternationalPhonePattern().Replace(result, PhoneToken);
        result = LandlinePattern().Replace(result, PhoneToken);
        return result;
    }

    public static bool ContainsPersonalData(string? text) => !string.IsNullOrEmpty(text) && !string.Equals(Redact(text), text, StringComparison.Ordinal);

    // GB 11643: 17 digits + check digit (0-9 or X), weights 2^(17-i) mod 11.
    private static bool IsValidResidentId(string value)
    {
        var digits = value.ToUpperInvariant();
        if (digits.Length != 18)
        {
            return false;
        }

        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const string checks = "10X98765432";
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (digits[i] - '0') * weights[i];
        }

        // A wrong check digit is still somebody's mistyped ID: redact anything shaped like one
        // with a plausible birth date, and trust the checksum only to confirm.
        return checks[sum % 11] == digits[17] || HasPlausibleBirthDate(digits);
    }

    private static bool HasPlausibleBirthDate(string digits) =>
        int.TryParse(digits.AsSpan(6, 4), out var year) && year is >= 1900 and <= 2100
        && int.TryParse(digits.AsSpan(10, 2), out var month) && month is >= 1 and <= 12
        && int.TryParse(digits.AsSpan(12, 2), out var day) && day is >= 1 and <= 31;

    // Payment cards start with an issuer prefix: 3 (Amex, JCB, Diners), 4 (Visa), 5 (Mastercard),
    // 6 (UnionPay, Discover), or 2221-2720 (Mastercard 2-series, 16 digits). Without this, one in
    // ten order numbers, timestamps and +86/0086 mobiles pass Luhn and are taken for cards.
    private static bool HasIssuerPrefix(string value)
    {
        var digits = string.Concat(value.Where(char.IsDigit));
        return digits[0] is >= '3' and <= '6'
            || (digits.Length == 16 && int.Parse(digits.AsSpan(0, 4), System.Globalization.CultureInfo.InvariantCulture) is >= 2221 and <= 2720);
    }

    private static bool LuhnValid(string value)
    {
        var digits = value.Where(char.IsDigit).Select(c => c - '0').ToArray();
        if (digits.Length is < 13 or > 19)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
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

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex IdNumberPattern();

    [GeneratedRegex(@"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    // Mainland mobile: 1[3-9]x, 11 digits, optionally +86 and separators (138-1234-5678, 138 1234 5678).
    [GeneratedRegex(@"(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex MobilePattern();

    // International / North American: +1 (415) 555-0132, (415) 555-0132, 415-555-0132. Only ASCII
    // letters and digits count as a word before it (\w would include the Chinese text it follows);
    // 400-xxx-xxxx / 800-xxx-xxxx service hotlines are companies', so they are kept.
    [GeneratedRegex(@"(?<![0-9A-Za-z_+])(?![48]00[ .-]\d{3}[ .-]\d{4}(?!\d))(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?|\d{3}[ .-])\d{3,4}[ .-]\d{4}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex InternationalPhonePattern();

    // Mainland landline: 010-12345678, 0755-1234567, (021)12345678; and 400/800 hotlines are
    // companies', not persons', so they are kept.
    [GeneratedRegex(@"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3}-)\d{7,8}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex LandlinePattern();
}
