using System.Globalization;
using System.Text;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Indexing.Api;

/// <summary>
/// Mentions as CSV that spreadsheet tools open correctly: UTF-8 with a byte-order mark (so
/// Chinese is not mojibake in Excel), RFC 4180 quoting with CRLF rows, and text cells that
/// start with = + - @ (or tab / CR) prefixed with an apostrophe so a mention cannot smuggle
/// a formula into the analyst's spreadsheet (CSV injection).
/// </summary>
public static class MentionCsv
{
    public static readonly string[] Columns =
        ["id", "publishedAt", "source", "author", "sentiment", "topic", "reach", "watches", "language", "url", "title", "text"];

    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<Mention> mentions, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, Utf8WithBom, bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', Columns));
        var row = new StringBuilder(512);
        var count = 0;
        await foreach (var mention in mentions.WithCancellation(cancellationToken))
        {
            row.Clear();
            AppendRow(row, mention);
            await writer.WriteLineAsync(row, cancellationToken);
            if (++count % 1000 == 0)
            {
                // Push what we have to the client so a large export streams rather than buffers.
                await writer.FlushAsync(cancellationToken);
            }
        }

        await writer.FlushAsync(cancellationToken);
    }

    public static void AppendRow(StringBuilder row, Mention mention)
    {
        AppendCell(row, mention.Id, first: true);
        AppendCell(row, mention.PublishedAt.ToString("O", CultureInfo.InvariantCulture), raw: true);
        AppendCell(row, mention.Source);
        AppendCell(row, mention.Author);
        AppendCell(row, mention.LabelledSentiment is { } s ? SentimentScore.ToWire(s) : string.Empty);
        AppendCell(row, mention.LabelledTopic);
        AppendCell(row, mention.Engagement.Total.ToString(CultureInfo.InvariantCulture), raw: true);
        AppendCell(row, string.Join(';', mention.Watches));
        AppendCell(row, mention.Language);
        AppendCell(row, mention.Url);
        AppendCell(row, mention.Title);
        AppendCell(row, mention.Text);
    }

    /// <summary>
    /// One cell. <paramref name="raw"/> cells are values we format ourselves (numbers, dates):
    /// they skip the formula guard so a negative number stays a number.
    /// </summary>
    public static void AppendCell(StringBuilder row, string? value, bool first = false, bool raw = false)
    {
        if (!first)
        {
            row.Append(',');
        }

        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var guard = !raw && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        var quote = guard || value.AsSpan().IndexOfAny(",\"\r\n") >= 0;
        if (!quote)
        {
            row.Append(value);
            return;
        }

        row.Append('"');
        if (guard)
        {
            row.Append('\'');
        }

        row.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        row.Append('"');
    }
}
