using Lucene.Net.Analysis;
using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Indexing.Lucene;

/// <summary>
/// Folds Traditional Chinese characters to Simplified as the tokenizer reads them, from
/// <see cref="ChineseScript.Pairs"/> (decision 026). Every pair maps one UTF-16 character to one,
/// so the output is what Lucene's MappingCharFilter (and Elasticsearch's <c>mapping</c> char
/// filter) makes of the same pairs, offsets need no correction and snippet highlights point at the
/// characters as written; a table lookup per character instead of MappingCharFilter's per-character
/// map walk (measured: decision 030, Indexing).
/// </summary>
internal sealed class TraditionalToSimplifiedCharFilter(TextReader input) : CharFilter(input)
{
    private static readonly char[] Fold = BuildTable();

    public override int Read(char[] buffer, int index, int count)
    {
        var read = m_input.Read(buffer, index, count);
        var fold = Fold;
        for (var i = index; i < index + read; i++)
        {
            buffer[i] = fold[buffer[i]];
        }

        return read;
    }

    public override int Read()
    {
        var c = m_input.Read();
        return c < 0 ? c : Fold[c];
    }

    protected override int Correct(int currentOff) => currentOff;

    private static char[] BuildTable()
    {
        var table = new char[char.MaxValue + 1];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (char)i;
        }

        foreach (var (traditional, simplified) in ChineseScript.Pairs)
        {
            table[traditional] = simplified;
        }

        return table;
    }
}
