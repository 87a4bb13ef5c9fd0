using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

public sealed class TrainingCorpusTests
{
    [CorpusFact]
    public void Chinese_lines_found_in_both_label_files_are_dropped()
    {
        var zh = TrainingCorpus.LoadChinese(TestPaths.Corpus);
        var positives = zh.Where(t => t.Positive).Select(t => t.Text).ToHashSet();
        zh.Where(t => !t.Positive).Count(t => positives.Contains(t.Text)).ShouldBe(0);
        zh.Count.ShouldBeInRange(17_000, 17_500);
    }

    [CorpusFact]
    public void English_records_without_a_class_are_dropped_and_each_keeps_its_source()
    {
        var en = TrainingCorpus.LoadEnglish(TestPaths.Corpus);
        en.Count.ShouldBeLessThan(3000);
        en.Select(t => t.Domain).Distinct().Order().ShouldBe(["amazon", "imdb", "yelp"]);
    }

    [Fact]
    public void Hand_labelled_posts_have_at_least_200_per_language_and_both_splits()
    {
        var posts = TrainingCorpus.LoadPosts(TestPaths.Posts);
        foreach (var language in new[] { "en", "zh" })
        {
            posts.Count(p => p.Language == language).ShouldBeGreaterThanOrEqualTo(200);
            posts.Where(p => p.Language == language).Select(p => p.Split).Distinct().Order().ShouldBe(["dev", "test"]);
        }

        posts.Select(p => p.Sentiment).Distinct().Order().ShouldBe(["negative", "neutral", "positive"]);
    }
}
