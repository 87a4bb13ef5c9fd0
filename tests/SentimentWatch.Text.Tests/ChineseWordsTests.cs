namespace SentimentWatch.Text.Tests;

public sealed class ChineseWordsTests
{
    [Fact]
    public void TheJiebaDictionaryLoadsFromTheBuildOutput_AndCutsWordsNotBigrams()
    {
        File.Exists(Path.Combine(AppContext.BaseDirectory, ChineseWords.ResourceFolder, "dict.txt")).ShouldBeTrue("copied next to the assemblies");
        var words = ChineseWords.Cut("吃了沙拉以后全家食物中毒拉肚子");
        ChineseWords.LoadError.ShouldBeNull();
        words.ShouldNotBeNull();
        words.ShouldContain("食物中毒");
        words.ShouldContain("拉肚子");
    }
}
