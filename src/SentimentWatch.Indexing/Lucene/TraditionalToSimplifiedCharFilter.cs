using Lucene.Net.Analysis;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Folds Traditional Chinese characters to Simplified as the tokenizer reads them, from
/// <see cref="ChineseScript.Pairs"/> (decision 026). Every pair maps one UTF-16 character to one,
/// so the output is what Lucene's MappingCharFilter (and Elasticsearch's <c>mapping</c> char
/// filter) makes of the same pairs, offsets need no correction and snippet highlights point at the
/// characters as written; one lookup in <see cref="ChineseScript"/>'s table per character instead of
/// MappingCharFilter's per-character map walk (measured: decision 030, Indexing).
/// </summary>
internal sealed class TraditionalToSimplifiedCharFilter(TextReader input) : CharFilter(input)
{
    public override int Read(char[] buffer, int index, int count)
    {
        var read = m_input.Read(buffer, index, count);
        for (var i = index; i < index + read; i++)
        {
            buffer[i] = ChineseScript.ToSimplified(buffer[i]);
        }

        return read;
    }

    public override int Read()
    {
        var c = m_input.Read();
        return c < 0 ? c : ChineseScript.ToSimplified((char)c);
    }

    protected override int Correct(int currentOff) => currentOff;
}
