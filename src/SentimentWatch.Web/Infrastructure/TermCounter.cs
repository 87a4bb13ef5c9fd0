using SentimentWatch.Core.Indexing;
using SentimentWatch.Text;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// The words people use most in a set of mentions, for the overview's "top terms": Chinese as words (jieba, the
/// same as alerts' top terms: 退款, 送餐 rather than the bigram fragments the index reads), other words whole, each
/// counted once per mention, without stop words and without the watch's own words (every mention of "Lumo" says
/// "Lumo"); decision 163.
/// </summary>
public static class TermCounter
{
    public static IReadOnlyList<TermCount> Top(IEnumerable<string> texts, IEnumerable<string> exclude, int count) =>
        MentionWords.Top(texts, exclude, count);

    public static IEnumerable<string> Tokens(string text) => MentionWords.Words(text);
}
