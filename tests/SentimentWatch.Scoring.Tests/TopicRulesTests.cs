using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
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

    [CorpusFact]
    public void The_one_pass_keyword_scan_labels_real_complaints_exactly_as_asking_each_keyword_in_turn_did()
    {
        // Decision 187 replaced a search per keyword with one scan of the text; the labels must not move.
        var rules = TopicRules.Load(Path.Combine(TestPaths.Models, "topic-keywords.json"));
        var texts = LabelledComplaint.Load(Path.Combine(AppContext.BaseDirectory, "Data", "complaints.tsv"), TestPaths.Corpus).Select(c => c.Text)
            .Concat(CrisisCheck.Load(TestPaths.CrisisCheck, TestPaths.Corpus).Select(c => c.Text))
            .Select(TextNormalizer.Fold)
            .ToList();
        texts.Count.ShouldBeGreaterThan(900);
        var labelled = texts.Select(t => (Text: t, Label: rules.LabelNormalized(t))).ToList();
        labelled.Where(x => x.Label != ReferenceLabel(rules, x.Text)).Select(x => x.Text).ShouldBeEmpty();
        // The set exercises every outcome: a category, a tie (null) and other.
        labelled.Select(x => x.Label ?? "(tie)").Distinct().Count().ShouldBeGreaterThan(5);
        labelled.ShouldContain(x => x.Label == null);
        labelled.ShouldContain(x => x.Label == ComplaintTopics.Other);
    }

    /// <summary>The rule as it was written before decision 187: each keyword searched for in turn.</summary>
    private static string? ReferenceLabel(TopicRules rules, string text)
    {
        foreach (var category in rules.Precedence)
        {
            if (rules.Categories[category].Any(k => ReferenceMatches(text, k)))
            {
                return category;
            }
        }

        var hits = rules.Categories.Select(c => (c.Key, Hits: c.Value.Count(k => ReferenceMatches(text, k)))).ToList();
        var most = hits.Max(h => h.Hits);
        if (most == 0)
        {
            return ComplaintTopics.Other;
        }

        var top = hits.Where(h => h.Hits == most).ToList();
        return top.Count > 1 ? null : top[0].Key;
    }

    private static bool ReferenceMatches(string text, string keyword)
    {
        var start = 0;
        while ((start = text.IndexOf(keyword, start, StringComparison.Ordinal)) >= 0)
        {
            var end = start + keyword.Length;
            if (!char.IsAsciiLetter(keyword[0]) || ((start == 0 || !char.IsAsciiLetter(text[start - 1])) && (end == text.Length || !char.IsAsciiLetter(text[end]))))
            {
                return true;
            }

            start++;
        }

        return false;
    }
}
