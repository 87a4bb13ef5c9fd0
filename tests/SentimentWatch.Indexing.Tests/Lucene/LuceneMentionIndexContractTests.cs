using SentimentWatch.Core.Indexing;
using SentimentWatch.Indexing.Lucene;

namespace SentimentWatch.Indexing.Tests.Lucene;

/// <summary>The shared index contract against a real Lucene index in a temp folder.</summary>
public sealed class LuceneMentionIndexContractTests : MentionIndexContract, IDisposable
{
    private readonly TempFolder folder = new();

    protected override Task<IMentionIndex> OpenIndexAsync() =>
        Task.FromResult<IMentionIndex>(new LuceneMentionIndex(Path.Combine(folder.Path, "index")));

    public void Dispose() => folder.Dispose();
}
