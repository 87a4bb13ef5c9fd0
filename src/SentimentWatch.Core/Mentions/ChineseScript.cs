using System.Reflection;

namespace SentimentWatch.Core.Mentions;

/// <summary>
/// Folds Traditional Chinese characters to Simplified ones (華為 → 华为, 退貨 → 退货), one character
/// at a time, from OpenCC's character table (Mentions/Script/t2s.tsv, built by tools/build-t2s.js;
/// decision 026). Posts from Taiwan, Hong Kong and overseas forums are written in Traditional
/// characters; the training data, lexicons, keyword lists and most watches are Simplified. Word-level
/// differences (軟體 / 软件) are not bridged: only the script. Thread-safe; the table is read once.
/// </summary>
public static class ChineseScript
{
    private static readonly char[] Table = Load();

    /// <summary>Number of traditional characters the table folds (2,966).</summary>
    public static int FoldedCharacters { get; } = Table.Select((s, i) => s != (char)i).Count(x => x);

    /// <summary>The text with every traditional character replaced by its simplified form; the same instance when none occurs.</summary>
    public static string ToSimplified(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var table = Table;
        var first = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (table[text[i]] != text[i])
            {
                first = i;
                break;
            }
        }

        if (first < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, first), static (span, state) =>
        {
            var (source, start) = state;
            source.AsSpan(0, start).CopyTo(span);
            var map = Table;
            for (var i = start; i < source.Length; i++)
            {
                span[i] = map[source[i]];
            }
        });
    }

    /// <summary>
    /// Every (traditional, simplified) pair the table folds, in code-point order: for analysis chains
    /// that cannot call <see cref="ToSimplified"/> (a Lucene char filter, an Elasticsearch
    /// <c>mapping</c> char filter), so they fold from this one table.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<char, char>> Pairs { get; } =
        [.. Table.Select((simplified, i) => KeyValuePair.Create((char)i, simplified)).Where(pair => pair.Key != pair.Value)];

    /// <summary>The simplified form of <paramref name="c"/>; <paramref name="c"/> itself when the table does not fold it.</summary>
    public static char ToSimplified(char c) => Table[c];

    /// <summary>True when <paramref name="c"/> is a traditional character the table folds.</summary>
    public static bool IsTraditional(char c) => Table[c] != c;

    private static char[] Load()
    {
        var table = new char[char.MaxValue + 1];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (char)i;
        }

        const string name = "SentimentWatch.Core.Mentions.Script.t2s.tsv";
        using var stream = typeof(ChineseScript).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded resource {name} is missing from {Assembly.GetExecutingAssembly().GetName().Name}.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 3 && line[1] == '\t')
            {
                table[line[0]] = line[2];
            }
        }

        return table;
    }
}
