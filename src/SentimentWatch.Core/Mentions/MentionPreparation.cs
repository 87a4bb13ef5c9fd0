using SentimentWatch.Core.Privacy;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// What every mention goes through at the door, whatever channel it came from: personal data
/// redacted (before anything is stored), language detected, fingerprint computed.
/// </summary>
public static class MentionPreparation
{
    public static Mention Prepare(Mention mention)
    {
        var text = PersonalDataRedactor.Redact(mention.Text);
        var title = mention.Title is null ? null : PersonalDataRedactor.Redact(mention.Title);
        var author = mention.Author is null ? null : PersonalDataRedactor.Redact(mention.Author);
        var language = mention.Language is LanguageDetector.Undetermined or null or ""
            ? LanguageDetector.Detect(string.IsNullOrEmpty(title) ? text : title + " " + text)
            : mention.Language;
        return mention with
        {
            Text = text,
            Title = title,
            Author = author,
            Language = language,
            Fingerprint = mention.Fingerprint != 0 ? mention.Fingerprint : SimHash.Compute(text),
        };
    }
}
