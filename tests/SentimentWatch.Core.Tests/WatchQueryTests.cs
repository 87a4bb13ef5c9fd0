using SentimentWatch.Core.Watches;

namespace SentimentWatch.Core.Tests;

public sealed class WatchQueryTests
{
    [Theory]
    [InlineData("refund", "I want a refund now", true)]
    [InlineData("refund", "REFUND please", true)]
    [InlineData("refund", "still refunding", false)]
    [InlineData("lumo", "lumo coffee was cold", true)]
    [InlineData("lumo", "I play lumosity every day", false)]
    [InlineData("lumo", "prolumo is a different brand", false)]
    [InlineData("lumo*", "I play lumosity every day", true)]
    [InlineData("lumo*", "prolumosity", false)]
    [InlineData("lumo", "买了lumo的咖啡", true)]
    public void A_Latin_term_matches_whole_words_unless_written_as_a_prefix(string query, string text, bool expected)
    {
        WatchQuery.Parse(query).Matches(text).ShouldBe(expected);
    }

    [Theory]
    [InlineData("绿莫", "我昨天在绿莫咖啡买的拿铁", true)]
    [InlineData("绿莫", "绿莫", true)]
    [InlineData("绿莫咖啡", "绿莫的咖啡", false)]
    [InlineData("退款", "申请退款三天了还没到账", true)]
    public void A_Chinese_term_matches_as_a_substring_since_Chinese_has_no_spaces(string query, string text, bool expected)
    {
        WatchQuery.Parse(query).Matches(text).ShouldBe(expected);
    }

    [Theory]
    [InlineData("绿莫 AND 退款", "绿莫退款太慢", true)]
    [InlineData("绿莫 AND 退款", "绿莫拿铁很好喝", false)]
    [InlineData("绿莫 退款", "退款找绿莫", true)]
    [InlineData("绿莫 退款", "退款找星巴克", false)]
    [InlineData("绿莫 && 退款", "绿莫退款", true)]
    public void Terms_side_by_side_or_joined_by_AND_must_all_be_present(string query, string text, bool expected)
    {
        WatchQuery.Parse(query).Matches(text).ShouldBe(expected);
    }

    [Theory]
    [InlineData("绿莫 OR lumo", "lumo is late", true)]
    [InlineData("绿莫 OR lumo", "绿莫迟到", true)]
    [InlineData("绿莫 OR lumo", "starbucks is late", false)]
    [InlineData("绿莫 | lumo", "lumo", true)]
    [InlineData("绿莫 || lumo", "lumo", true)]
    public void Terms_joined_by_OR_need_only_one_present(string query, string text, bool expected)
    {
        WatchQuery.Parse(query).Matches(text).ShouldBe(expected);
    }

    [Theory]
    [InlineData("绿莫 NOT 招聘", "绿莫咖啡退款", true)]
    [InlineData("绿莫 NOT 招聘", "绿莫咖啡招聘店员", false)]
    [InlineData("绿莫 -招聘", "绿莫咖啡招聘店员", false)]
    [InlineData("绿莫 -招聘", "绿莫咖啡很好", true)]
    [InlineData("lumo -job*", "lumo jobs open", false)]
    [InlineData("lumo -job*", "lumo refund", true)]
    public void NOT_and_a_leading_minus_exclude_mentions_with_the_term(string query, string text, bool expected)
    {
        WatchQuery.Parse(query).Matches(text).ShouldBe(expected);
    }

    [Fact]
    public void A_minus_inside_a_word_is_part_of_the_word_not_an_exclusion()
    {
        var query = WatchQuery.Parse("e-mail");

        query.Terms.ShouldBe(["e-mail"]);
        query.Matches("my e-mail was leaked").ShouldBeTrue();
        query.Matches("my mail was leaked").ShouldBeFalse();
    }

    [Theory]
    [InlineData("(绿莫 OR lumo) AND (退款 OR refund)", "lumo refund is slow", true)]
    [InlineData("(绿莫 OR lumo) AND (退款 OR refund)", "绿莫退款", true)]
    [InlineData("(绿莫 OR lumo) AND (退款 OR refund)", "lumo coffee is great", false)]
    [InlineData("(绿莫 OR lumo) AND (退款 OR refund)", "refund from starbucks", false)]
    [InlineData("（绿莫 OR lumo） 退款", "lumo 退款", true)]
    public void Parentheses_group_alternatives(string query, string text, bool expected)
    {
        WatchQuery.Parse(query).Matches(text).ShouldBe(expected);
    }

    [Fact]
    public void AND_binds_tighter_than_OR()
    {
        // a OR (b AND c), not (a OR b) AND c.
        var query = WatchQuery.Parse("绿莫 OR lumo refund");

        query.Matches("绿莫").ShouldBeTrue();
        query.Matches("lumo refund").ShouldBeTrue();
        query.Matches("lumo").ShouldBeFalse();
    }

    [Theory]
    [InlineData("\"customer service\"", "the customer service was rude", true)]
    [InlineData("\"customer service\"", "the service to this customer was rude", false)]
    [InlineData("\"customer service\"", "the Customer   Service was rude", true)]
    [InlineData("\"customer service\"", "customer serviceman", false)]
    [InlineData("“客服 态度”", "客服 态度很差", true)]
    [InlineData("“客服 态度”", "态度 客服", false)]
    public void A_quoted_phrase_matches_its_words_together_in_order(string query, string text, bool expected)
    {
        WatchQuery.Parse(query).Matches(text).ShouldBe(expected);
    }

    [Fact]
    public void Matching_folds_full_width_characters_and_case()
    {
        WatchQuery.Parse("lumo").Matches("ＬＵＭＯ 退款").ShouldBeTrue();
        WatchQuery.Parse("ＬＵＭＯ").Matches("lumo 退款").ShouldBeTrue();
    }

    [Fact]
    public void Operators_are_upper_case_so_a_lower_case_or_is_an_ordinary_term()
    {
        var query = WatchQuery.Parse("绿莫 or lumo");

        query.Terms.ShouldBe(["绿莫", "or", "lumo"]);
        query.Matches("lumo").ShouldBeFalse();
        query.Matches("绿莫 or lumo").ShouldBeTrue();
    }

    [Fact]
    public void Terms_lists_the_positive_terms_without_exclusions_prefix_stars_or_repeats()
    {
        var query = WatchQuery.Parse("(绿莫 OR lumo*) AND 退款 NOT 招聘 -job lumo*");

        query.Terms.ShouldBe(["绿莫", "lumo", "退款"]);
    }

    [Fact]
    public void Text_is_the_trimmed_query_as_written()
    {
        var query = WatchQuery.Parse("  绿莫 OR lumo  ");

        query.Text.ShouldBe("绿莫 OR lumo");
        query.ToString().ShouldBe("绿莫 OR lumo");
    }

    [Theory]
    [InlineData("", "the query is empty")]
    [InlineData("   ", "the query is empty")]
    [InlineData(null, "the query is empty")]
    [InlineData("(绿莫 OR lumo", "unclosed '(' at position 1")]
    [InlineData("绿莫 OR lumo)", "unexpected ')' at position 11")]
    [InlineData("绿莫 AND", "the query ends where a term was expected")]
    [InlineData("绿莫 OR", "the query ends where a term was expected")]
    [InlineData("AND 绿莫", "unexpected 'AND' at position 1")]
    [InlineData("绿莫 OR OR lumo", "unexpected 'OR' at position 7")]
    [InlineData("()", "unexpected ')' at position 2")]
    [InlineData("\"customer service", "unclosed quote starting at position 1")]
    [InlineData("绿莫 \"\"", "empty phrase at position 4")]
    [InlineData("-招聘", "the query has no positive term")]
    [InlineData("NOT 招聘 NOT job", "the query has no positive term")]
    public void TryParse_rejects_a_bad_query_with_a_message_saying_what_is_wrong_and_where(string? text, string expectedError)
    {
        WatchQuery.TryParse(text, out var query, out var error).ShouldBeFalse();

        error.ShouldContain(expectedError);
        query.ShouldBeNull();
    }

    [Fact]
    public void TryParse_accepts_a_good_query_with_an_empty_error()
    {
        WatchQuery.TryParse("(星巴克 OR starbucks) AND (退款 OR refund OR \"customer service\") NOT 招聘", out var query, out var error).ShouldBeTrue();

        error.ShouldBeEmpty();
        query.Matches("星巴克 customer service 太差").ShouldBeTrue();
        query.Matches("星巴克招聘 customer service").ShouldBeFalse();
    }

    [Theory]
    [InlineData("华为 AND 退货", "華為手機退貨要等兩週")]
    [InlineData("華為 AND 退貨", "华为手机退货要等两周")]
    [InlineData("\"售后服务\"", "售後服務太差了")]
    public void A_watch_matches_the_brand_in_either_Chinese_script(string watch, string post)
    {
        WatchQuery.Parse(watch).Matches(post).ShouldBeTrue();
    }

    [Fact]
    public void Parse_throws_a_FormatException_carrying_the_TryParse_message()
    {
        var ex = Should.Throw<FormatException>(() => WatchQuery.Parse("(绿莫"));

        ex.Message.ShouldBe("unclosed '(' at position 1");
    }

    [Theory]
    [InlineData("lumo AND", "'AND' at position 6 has no term after it")]
    [InlineData("OR", "unexpected 'OR' at position 1: it needs a term before it")]
    [InlineData("NOT", "'NOT' at position 1 has no term after it")]
    [InlineData("(lumo AND", "'AND' at position 7 has no term after it")]
    [InlineData("lumo )", "unexpected ')' at position 6: it closes no '('")]
    [InlineData("( )", "the parentheses at position 1 hold nothing")]
    public void A_dangling_operator_is_named_with_its_position(string text, string expectedError)
    {
        WatchQuery.TryParse(text, out _, out var error).ShouldBeFalse();

        error.ShouldContain(expectedError);
    }

    [Fact]
    public void Queries_too_long_too_many_terms_or_nested_too_deep_are_refused_with_the_limit_not_a_crash()
    {
        WatchQuery.TryParse(new string('x', WatchQuery.MaxLength + 1), out _, out var longError).ShouldBeFalse();
        WatchQuery.TryParse(string.Join(" OR ", Enumerable.Range(0, WatchQuery.MaxTerms + 1).Select(i => "t" + i)), out _, out var termsError).ShouldBeFalse();
        WatchQuery.TryParse(new string('(', 100) + "lumo" + new string(')', 100), out _, out var depthError).ShouldBeFalse();
        WatchQuery.TryParse(string.Concat(Enumerable.Repeat("NOT ", 400)) + "lumo", out _, out var notError).ShouldBeFalse();

        longError.ShouldContain($"at most {WatchQuery.MaxLength} are allowed");
        termsError.ShouldContain($"at most {WatchQuery.MaxTerms} are allowed");
        depthError.ShouldContain($"nests deeper than {WatchQuery.MaxDepth} levels");
        notError.ShouldContain($"nests deeper than {WatchQuery.MaxDepth} levels");
    }
}
