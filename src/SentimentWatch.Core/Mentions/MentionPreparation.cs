using SentimentWatch.Core.Privacy;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// What every mention goes through at the door, whatever channel it came from: personal data
/// redacted (before anything is stored), language detected, fingerprint computed.
/// </summary>
public static class MentionPreparation
{
    public static Mention Prepare(Mention mention, RedactionKinds kinds = RedactionKinds.Default)
    {
        // Fitted to the field contract first, so nothing over-long or with control characters
        // reaches the redactor, the store or the index, whichever channel it came from.
        mention = MentionContract.Fit(mention);
        var text = PersonalDataRedactor.Redact(mention.Text, kinds);
        var title = mention.Title is null ? null : PersonalDataRedactor.Redact(mention.Title, kinds);
        var author = mention.Author is null ? null : PersonalDataRedactor.Redact(mention.Author, kinds);
        var language = mention.Language is LanguageDetector.Undetermined or null or ""
            ? LanguageDetector.Detect(string.IsNullOrEmpty(title) ? text : title + " " + text)
            : mention.Language;
        return mention with
        {
            Text = text,
            Title = title,
            Author = author,

            // Identifiers carry personal data too: a phone number as a user name in a URL, an
            // e-mail address as a thread id. Only the host of a URL is kept as it is. A post's or
            // thread's number is not a card number (X/Twitter ids have 19 digits): redacted as one,
            // every conversation would share the thread "[card]" and cases would join strangers.
            Source = PersonalDataRedactor.Redact(mention.Source, kinds),
            ExternalId = mention.ExternalId is null ? null : PersonalDataRedactor.Redact(mention.ExternalId, PersonalDataRedactor.IdentifierKinds(kinds)),
            ThreadId = mention.ThreadId is null ? null : PersonalDataRedactor.Redact(mention.ThreadId, PersonalDataRedactor.IdentifierKinds(kinds)),
            Url = mention.Url is null ? null : PersonalDataRedactor.RedactUrl(mention.Url, kinds),
            Language = language,
            Fingerprint = mention.Fingerprint != 0 ? mention.Fingerprint : SimHash.Compute(text),
        };
    }
}
