using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace SentimentWatch.Web.Identity;

/// <summary>
/// User names of every script (张伟, 阿卜杜·热合曼, Zoë, प्रिया, petra.k): letters and digits of any language, the combining marks
/// that follow a letter, the middle dots of transcribed names (· ・) and <c>- . _ @ +</c>, up to 256 characters (Identity's
/// column). Identity's default allows only ASCII letters and digits, so a Chinese name an admin typed, or one a single
/// sign-on provider sent, was refused (decision 251's review). Kept out: spaces, control and format characters (a name is
/// shown in the console, the audit trail and exported records), names that change under compatibility normalisation
/// (fullwidth ａｄａ beside ada), and names mixing Latin, Cyrillic and Greek letters (Cyrillic а in "аdmin").
/// </summary>
public sealed class ConsoleUserNameValidator : IUserValidator<ConsoleUser>
{
    public const int MaxLength = 256;

    private const string Punctuation = "-._@+·・";

    public Task<IdentityResult> ValidateAsync(UserManager<ConsoleUser> manager, ConsoleUser user) =>
        Task.FromResult(IsValid(user.UserName)
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError
            {
                Code = nameof(IdentityErrorDescriber.InvalidUserName),
                Description = $"the user name '{user.UserName}' may hold only letters, digits and - . _ @ + ·, no spaces, up to {MaxLength} characters",
            }));

    public static bool IsValid(string? name)
    {
        // Composed or decomposed Zoë is one name (Identity's lookup normalises); fullwidth ａｄａ is not ada.
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || !name.Normalize(NormalizationForm.FormC).IsNormalized(NormalizationForm.FormKC))
        {
            return false;
        }

        var afterLetter = false;
        var scripts = LookalikeScript.None;
        foreach (var rune in name.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (Rune.IsLetterOrDigit(rune))
            {
                afterLetter = true;
                scripts |= ScriptOf(rune.Value);
            }
            else if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark && afterLetter)
            {
                // प्रि: a vowel sign or virama belongs to the letter before it.
            }
            else if (rune.IsBmp && Punctuation.Contains((char)rune.Value))
            {
                afterLetter = false;
            }
            else
            {
                return false;
            }
        }

        // Cyrillic а and Greek ο look like Latin a and o: "аdmin" beside admin. One of the three scripts per name.
        return scripts is LookalikeScript.None or LookalikeScript.Latin or LookalikeScript.Cyrillic or LookalikeScript.Greek;
    }

    [Flags]
    private enum LookalikeScript
    {
        None = 0,
        Latin = 1,
        Cyrillic = 2,
        Greek = 4,
    }

    private static LookalikeScript ScriptOf(int c) => c switch
    {
        (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= 0xC0 and <= 0x24F) or (>= 0x1E00 and <= 0x1EFF) => LookalikeScript.Latin,
        (>= 0x400 and <= 0x52F) or (>= 0x1C80 and <= 0x1C8F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => LookalikeScript.Cyrillic,
        (>= 0x370 and <= 0x3FF) or (>= 0x1F00 and <= 0x1FFF) => LookalikeScript.Greek,
        _ => LookalikeScript.None,
    };
}
