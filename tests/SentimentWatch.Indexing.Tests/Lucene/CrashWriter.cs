using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Lucene;

/// <summary>
/// The child process of the crash test: upserts batches into a Lucene index forever and prints
/// the highest batch number each time an upsert has returned (the pipeline's acknowledgement).
/// Started as <c>dotnet SentimentWatch.Indexing.Tests.dll crash-writer &lt;dir&gt; &lt;firstBatch&gt;</c>.
/// </summary>
internal static class CrashWriter
{
    public const string Verb = "crash-writer";
    public const int BatchSize = 50;

    public static int Main(string[] args)
    {
        if (args.Length < 3 || args[0] != Verb)
        {
            Console.Error.WriteLine($"usage: {Verb} <index-dir> <first-batch>");
            return 2;
        }

        var index = new LuceneMentionIndex(args[1]);
        for (var batch = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture); ; batch++)
        {
            index.UpsertAsync(Batch(batch), CancellationToken.None).GetAwaiter().GetResult();
            Console.Out.WriteLine($"acked {batch}");
            Console.Out.Flush();
        }
    }

    public static IReadOnlyList<Core.Mentions.Mention> Batch(int batch) =>
        [.. Enumerable.Range(0, BatchSize).Select(i =>
            TestMentions.Create(
                $"b{batch}-{i}",
                $"crash batch {batch} item {i} 退款 refund {new string('x', 200)}",
                TestMentions.Epoch.AddSeconds((batch * BatchSize) + i)))];
}
