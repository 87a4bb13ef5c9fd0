using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

public sealed class TopicRulesTests
{
    private static readonly TopicRules Rules = new(new Dictionary<string, IReadOnlyList<string>>
    {
        ["logistics"] = ["快递", "late"],
        ["price_billing"] = ["价格", "fee"],
    });

    [Fact]
    public void English_keywords_match_whole_words_only()
    {
        Rules.Label("the delivery was late").ShouldBe("logistics");
        Rules.Label("the plate was cracked").ShouldBe("other");
    }

    [Fact]
    public void Chinese_keywords_match_inside_text_and_ties_stay_unlabelled()
    {
        Rules.Label("快递太慢了").ShouldBe("logistics");
        Rules.Label("快递慢，价格还高").ShouldBeNull();
    }

    [Fact]
    public void Keywords_match_text_written_in_traditional_characters()
    {
        Rules.Label("快遞三天了還沒到").ShouldBe("logistics");
        new TopicRules(new Dictionary<string, IReadOnlyList<string>> { ["price_billing"] = ["價格"] }).Label("价格太贵").ShouldBe("price_billing");
    }

    [Fact]
    public void Other_is_always_the_last_class() => Rules.Classes[^1].ShouldBe("other");
}
