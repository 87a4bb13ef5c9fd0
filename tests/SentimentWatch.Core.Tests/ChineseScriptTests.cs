using SentimentWatch.Core.Mentions;

namespace SentimentWatch.Core.Tests;

public sealed class ChineseScriptTests
{
    [Theory]
    [InlineData("華為手機品質太差，退貨還要等兩週", "华为手机品质太差，退货还要等两周")]
    [InlineData("客服態度惡劣，說好的退款到現在沒來", "客服态度恶劣，说好的退款到现在没来")]
    [InlineData("這間飯店的服務真的很讚", "这间饭店的服务真的很赞")]
    [InlineData("乾淨", "干净")]
    [InlineData("對於", "对于")]
    public void ToSimplified_folds_traditional_posts_to_the_simplified_script(string traditional, string simplified)
    {
        ChineseScript.ToSimplified(traditional).ShouldBe(simplified);
    }

    [Theory]
    [InlineData("华为手机质量太差，退货还要等两周")]
    [InlineData("瞭望塔")] // 瞭 stays 瞭 by default in OpenCC: only unambiguous folds are applied
    [InlineData("refund please!!! 😡")]
    [InlineData("")]
    public void ToSimplified_leaves_simplified_and_latin_text_as_it_is_and_returns_the_same_instance(string text)
    {
        ChineseScript.ToSimplified(text).ShouldBeSameAs(text);
    }

    [Fact]
    public void The_table_holds_the_BMP_characters_of_OpenCC_and_folds_completely_in_one_pass()
    {
        ChineseScript.FoldedCharacters.ShouldBe(2966);
        for (var c = char.MinValue; c < char.MaxValue; c++)
        {
            if (ChineseScript.IsTraditional(c))
            {
                var folded = ChineseScript.ToSimplified(c.ToString());
                ChineseScript.ToSimplified(folded).ShouldBeSameAs(folded, $"{c} folds to {folded}, which folds again");
            }
        }
    }

    [Fact]
    public void Pairs_lists_exactly_the_characters_the_fold_changes_in_code_point_order()
    {
        ChineseScript.Pairs.Count.ShouldBe(ChineseScript.FoldedCharacters);
        ChineseScript.Pairs.ShouldContain(KeyValuePair.Create('華', '华'));
        ChineseScript.Pairs.ShouldContain(KeyValuePair.Create('貨', '货'));
        ChineseScript.Pairs.Select(pair => pair.Key).ShouldBeInOrder(SortDirection.Ascending);
        foreach (var (traditional, simplified) in ChineseScript.Pairs)
        {
            ChineseScript.ToSimplified(traditional.ToString()).ShouldBe(simplified.ToString());
        }
    }

    [Fact]
    public void Fold_is_normalize_then_the_script_fold_and_normalize_alone_keeps_the_script()
    {
        TextNormalizer.Fold("  華為 ＲＥＦＵＮＤ  退貨 ").ShouldBe("华为 refund 退货");
        TextNormalizer.Normalize("  華為 ＲＥＦＵＮＤ  退貨 ").ShouldBe("華為 refund 退貨");
    }
}
