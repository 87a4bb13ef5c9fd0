using SentimentWatch.Alerting;

namespace SentimentWatch.Web.Pages.Alerts;

/// <summary>
/// One line of an incident record as the console shows it: the stored line (English, the record's language) in the
/// reader's language (<see cref="RecordChinese"/>, the same templates as the Chinese export), and every UTC time in it as a
/// time the page shows in the reader's zone like every other time on the page (decision 227). Lines no template knows
/// (a person's note) are shown as written.
/// </summary>
public sealed record RecordLine(IReadOnlyList<RecordLine.Part> Parts)
{
    /// <summary>Text, or a time when <see cref="At"/> is set.</summary>
    public sealed record Part(string Text, DateTimeOffset? At = null);

    public static RecordLine Of(string text, bool chinese, string? textZh = null)
    {
        var times = new List<DateTimeOffset>();
        var marked = chinese ? RecordChinese.MarkChinese(text, textZh, times) : RecordChinese.Mark(RecordChinese.English(text), times);

        return new RecordLine(RecordChinese.Split(marked, times).Select(p => new Part(p.Text, p.At)).ToArray());
    }
}
