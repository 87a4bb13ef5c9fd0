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
    public void A_precedence_category_wins_whenever_it_matches_even_when_another_matches_more()
    {
        var rules = new TopicRules(
            new Dictionary<string, IReadOnlyList<string>> { ["privacy_security"] = ["安全", "账号", "泄露"], ["safety"] = ["食品安全", "食物中毒"] },
            precedence: ["safety"]);
        rules.Label("食品安全问题，账号信息还泄露了").ShouldBe("safety");
        rules.Label("账号被盗，信息泄露").ShouldBe("privacy_security");
        rules.Classes.ShouldBe(["privacy_security", "safety", "other"]);
    }

    [Fact]
    public void The_shipped_keywords_put_food_safety_and_harm_in_safety_not_privacy_security()
    {
        var rules = TopicRules.Load(Path.Combine(TestPaths.Models, "topic-keywords.json"));
        rules.Precedence.ShouldBe(["safety"]);
        rules.Label("喝了他家的奶茶食物中毒，食品安全谁来管").ShouldBe("safety");
        rules.Label("这家店食品安全堪忧").ShouldBe("safety");
        rules.Label("I got food poisoning after eating there").ShouldBe("safety");
        rules.Label("账号被盗了，个人信息泄露").ShouldBe("privacy_security");
    }

    [Fact]
    public void Other_is_always_the_last_class() => Rules.Classes[^1].ShouldBe("other");
}
