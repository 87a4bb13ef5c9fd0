using JiebaNet.Segmenter;

namespace SentimentWatch.Text;

/// <summary>
/// Chinese word segmentation (jieba.NET) for top terms (alerts, the console overview), so people read
/// 食物中毒 and 拉肚子 rather than bigram fragments like 莫几. The dictionary is copied into the
/// build output (folder <c>jieba</c>) and loaded once, on first use.
/// </summary>
public static class ChineseWords
{
    public const string ResourceFolder = "jieba";

    private static readonly Lock Gate = new();
    private static JiebaSegmenter? _segmenter;
    private static bool _failed;

    /// <summary>Why the dictionary could not be loaded (then terms fall back to bigrams), or null.</summary>
    public static string? LoadError { get; private set; }

    /// <summary>The words of a run of Chinese text, or null when the dictionary is unavailable.</summary>
    public static IReadOnlyList<string>? Cut(string text)
    {
        lock (Gate)
        {
            var segmenter = Segmenter();
            return segmenter?.Cut(text, cutAll: false, hmm: true).ToList();
        }
    }

    /// <summary>Makes a brand or risk term one word (绿莫咖啡 rather than 绿/莫/咖啡), so it can be excluded or counted whole.</summary>
    public static void AddWords(IEnumerable<string> words)
    {
        lock (Gate)
        {
            var segmenter = Segmenter();
            foreach (var word in words.Where(w => w.Length >= 2 && w.Any(IsCjk)))
            {
                segmenter?.AddWord(word);
            }
        }
    }

    public static bool IsCjk(char c) => c is >= '\u4e00' and <= '\u9fff' or >= '\u3400' and <= '\u4dbf';

    private static JiebaSegmenter? Segmenter()
    {
        if (_segmenter is not null || _failed)
        {
            return _segmenter;
        }

        try
        {
            ConfigManager.ConfigFileBaseDir = Path.Combine(AppContext.BaseDirectory, ResourceFolder);
            _segmenter = new JiebaSegmenter();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or TypeInitializationException)
        {
            _failed = true;
            LoadError = $"jieba dictionary not loaded from {ConfigManager.ConfigFileBaseDir}: {ex.Message}";
        }

        return _segmenter;
    }
}
