using SentimentWatch.Core.Scoring;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

/// <summary>Sentiment v2 (decisions 120, 121): the real corpora, the learned neutral head and the harm shifts.</summary>
public sealed class SentimentV2Tests
{
    private static readonly Lazy<IReadOnlyList<SentimentText>> Corpora = new(() => SocialCorpora.Load(TestPaths.Corpus));

    [Theory]
    [InlineData("好开心[哈哈][哈哈]今天放假", "好开心 今天放假")]
    [InlineData("[泪]//@某人:太难了[抓狂]", "//@某人:太难了")]
    [InlineData("买了[iPhone 15]但是没电", "买了[iPhone 15]但是没电")]
    public void Weibo_bracket_emoticons_are_removed_before_training_but_brackets_with_spaces_stay(string text, string expected) =>
        SocialCorpora.StripWeiboEmoticons(text).ShouldBe(expected);

    [CorpusFact]
    public void The_emoticon_labelled_weibo_corpus_trains_without_any_bracket_emoticon()
    {
        var weibo = Corpora.Value.Where(t => t.Corpus == "zh-weibo-senti").ToList();
        weibo.Count.ShouldBeGreaterThan(60_000);
        weibo.Count(t => System.Text.RegularExpressions.Regex.IsMatch(t.Text, @"\[[^\[\]\s]{1,8}\]")).ShouldBe(0);
    }

    [CorpusFact]
    public void Held_out_test_sets_never_share_a_text_with_the_training_corpora()
    {
        var data = Corpora.Value;
        var test = data.Where(t => t.Test).Select(t => SocialCorpora.Key(t.Text)).ToHashSet();
        test.Count.ShouldBeGreaterThan(30_000);
        data.Where(t => !t.Test).Count(t => test.Contains(SocialCorpora.Key(t.Text))).ShouldBe(0);
        data.Where(t => t.Test).Select(t => t.Corpus).Distinct().Order().ShouldBe(["en-semeval-2017test", "zh-shopping-food", "zh-smp2020-test"]);
    }

    [CorpusFact]
    public void Neutral_labels_come_only_from_the_corpora_that_annotate_neutral()
    {
        var data = Corpora.Value;
        data.Where(t => t.Label == SentimentText.Neutral).Select(t => t.Corpus.Split('-')[1]).Distinct().Order().ShouldBe(["semeval", "smp2020"]);
        data.Where(t => !t.HasNeutral).ShouldAllBe(t => t.Label != SentimentText.Neutral);
    }

    [CorpusFact]
    public void Crisis_check_items_load_from_the_corpora_and_are_kept_out_of_training()
    {
        var checks = CrisisCheck.Load(TestPaths.CrisisCheck, TestPaths.Corpus);
        checks.Count(c => c.Kind == CrisisCheck.Crisis).ShouldBeGreaterThanOrEqualTo(200);
        checks.Count(c => c.Kind != CrisisCheck.Crisis).ShouldBeGreaterThanOrEqualTo(200);
        checks.Where(c => c.Kind == CrisisCheck.Crisis).ShouldAllBe(c => c.Topic == "safety");
        checks.Select(c => c.Language).Distinct().Order().ShouldBe(["en", "zh"]);

        var excluded = CrisisCheck.Corpora(TestPaths.Corpus, checks);
        var keys = checks.Where(c => !CrisisCheck.IsFresh(c.Split)).Select(c => SocialCorpora.Key(SocialCorpora.StripWeiboEmoticons(c.Text))).ToHashSet();
        excluded.Count(t => keys.Contains(SocialCorpora.Key(t.Text))).ShouldBe(0);
        // Without the exclusion most of them are training texts, so the check above is not vacuous.
        Corpora.Value.Count(t => keys.Contains(SocialCorpora.Key(t.Text))).ShouldBeGreaterThan(300);

        // The fresh splits (decisions 240, 241) never train, but the held-out test sets they were drawn from keep their posts.
        checks.Count(c => c.Split == CrisisCheck.SecondFreshSplit).ShouldBeGreaterThanOrEqualTo(140);
        var fresh = checks.Where(c => CrisisCheck.IsFresh(c.Split)).Select(c => SocialCorpora.Key(SocialCorpora.StripWeiboEmoticons(c.Text))).ToHashSet();
        fresh.Count.ShouldBeGreaterThanOrEqualTo(200);
        excluded.Where(t => !t.Test).Count(t => fresh.Contains(SocialCorpora.Key(t.Text))).ShouldBe(0);
        excluded.Where(t => t.Test).Count(t => fresh.Contains(SocialCorpora.Key(t.Text))).ShouldBeGreaterThan(100);
        // Sentiment140 (which an experiment trains on) holds some of them: left out of its rows, so the check above is not vacuous.
        Corpora.Value.Where(t => !t.Test).Count(t => fresh.Contains(SocialCorpora.Key(t.Text))).ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("昨天在那家店吃完就食物中毒了，上吐下泻", "食物中毒")]
    [InlineData("米线里吃出个虫子", "虫子")]
    [InlineData("got food poisoning from their burger last night", "food poisoning")]
    [InlineData("Samsung Note 7 recall: battery caught fire", "caught fire")]
    public void A_harm_report_is_found(string text, string term) =>
        HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(text)).ShouldBe(term);

    [Theory]
    [InlineData("my son vomited all night after their nuggets", "vomit")]
    [InlineData("she vomits every time she eats there", "vomit")]
    [InlineData("vomitted twice after the salad", "vomit")]
    [InlineData("been vomitting since lunch", "vomit")]
    [InlineData("two kids were hospitalised, a third hospitalized", "hospitalised")]
    [InlineData("the charger explodes and catches fire", "catch fire")]
    [InlineData("three injuries reported at the plant", "injury")]
    [InlineData("E.coli found in the lettuce", "e. coli")]
    [InlineData("my daughter keeps throwing up", "throwing up")]
    [InlineData("Sprained ankle- doctor says I can't play tennis for 3 weeks!", "sprain")]
    [InlineData("my 5 year old just had a puking rally", "puked")]
    [InlineData("she had to go to the ER today with a bad ear infection", "the er")]
    [InlineData("Niece reinjured ankle @ last night b-ball game", "reinjure")]
    [InlineData("Tressa broke her leg and tomorrow is her birthday", "broke her leg")]
    [InlineData("Hurt my ankle really bad playing soccer", "hurt my ankle")]
    [InlineData("There was a plane crash in my neighborhood!!!", "plane crash")]
    [InlineData("reports brush fire approaching the community", "brush fire")]
    [InlineData("my phone died so I missed it, then Pavol Demitra died in the plane crash", "died")]
    [InlineData("Dropped my phone. Dad died this morning", "died")]
    [InlineData("my son nearly died after eating their peanut sauce", "died")]
    [InlineData("saw on tv that people died in the fire", "died")]
    [InlineData("Two kids died inside the burning building", "died")]
    public void Inflected_and_doubled_consonant_forms_of_a_harm_term_are_found(string text, string term) =>
        HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(text)).ShouldBe(term);

    [Theory]
    [InlineData("vomit", "vomit")]
    [InlineData("vomits", "vomit")]
    [InlineData("vomited", "vomit")]
    [InlineData("vomitted", "vomit")]
    [InlineData("vomiting", "vomit")]
    [InlineData("injuries", "injury")]
    [InlineData("hospitalize", "hospitaliz")]
    [InlineData("hospitalized", "hospitaliz")]
    [InlineData("getting", "get")]
    [InlineData("recalled", "recall")]
    [InlineData("illness", "illness")]
    public void Forms_of_one_word_share_one_stem(string word, string stem) =>
        HarmTerms.Stem(word, new char[64]).ToString().ShouldBe(stem);

    [Theory]
    [InlineData("my back is killing me")]
    [InlineData("burning a hole in my pocket")]
    [InlineData("my head would explode")]
    [InlineData("guns n roses and poison on repeat")]
    [InlineData("recalling the hospitality, it was great")]
    [InlineData("no one vomited, thankfully")]
    public void Terms_listed_as_exact_do_not_match_their_other_forms_and_negation_still_holds(string text) =>
        HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(text)).ShouldBeNull();

    [Theory]
    [InlineData("四车追尾，万幸没有人受伤")]
    [InlineData("吃了这么多次从来没拉肚子")]
    [InlineData("no one was injured and nobody got hurt")]
    [InlineData("this track is fire, sick beat")]
    [InlineData("I recall the hospitality was great")]
    [InlineData("that hurt my feelings, just kidding")]
    [InlineData("homeopathy heals bone fractures faster, says a study")]
    [InlineData("could be car crash TV, the new lineup")]
    [InlineData("lost my charger and my phone just died")]
    [InlineData("tweetdeck seems to have died on me")]
    [InlineData("lol i died laughing at that")]
    public void Negated_harm_slang_and_partial_words_are_not_harm_reports(string text) =>
        HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(text)).ShouldBeNull();

    [Theory]
    [InlineData("谢谢 @吃着火锅唱着歌劫麻匪 送的蛋糕")]
    [InlineData("//@维尼疯人院01床虫子: 一群黑")]
    [InlineData("//@孤狼受伤: 转发微博")]
    [InlineData("房间里面有只蟑螂，今天买了蟑螂药")]
    [InlineData("看完《生活大爆炸》笑死")]
    [InlineData("好吃到爆炸了")]
    [InlineData("我内心受伤了，要申请休假")]
    [InlineData("发现有只虫子爬在我的牛仔裤上")]
    [InlineData("84和洁厕灵千万别混用，会中毒")]
    [InlineData("吃了会不会中毒？")]
    [InlineData("没有任何呕吐迹象，正常吗？")]
    [InlineData("过敏性鼻炎的季节又来了")]
    [InlineData("脚要痛爆炸了，被新鞋子挤得寸步难行")]
    [InlineData("我快吃到肚子爆炸，嘴巴喷火")]
    [InlineData("又期待又怕受伤害")]
    [InlineData("附近有很多苍蝇馆子，经常在这吃饭")]
    public void Chinese_handles_titles_figures_hedges_and_insects_away_from_food_are_not_harm_reports(string text) =>
        HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(text)).ShouldBeNull();

    [Theory]
    [InlineData("米线里吃出个虫子", "虫子")]
    [InlineData("有没有搞错，外卖里吃出苍蝇！", "苍蝇")]
    [InlineData("昨晚吃了他家火锅，今天拉肚子", "拉肚子")]
    [InlineData("小区昨晚着火了，消防车来了", "着火")]
    [InlineData("@某某 他家的菜吃完就食物中毒了", "食物中毒")]
    [InlineData("【@美团外卖】昨天点的外卖吃了拉肚子", "拉肚子")]
    [InlineData("孩子不小心被开水烫伤了", "烫伤")]
    [InlineData("好不容易抢到的外卖吃出虫子", "虫子")]
    [InlineData("凌晨听到爆炸声，楼都在晃", "爆炸")]
    [InlineData("宝宝手心受伤流血了", "受伤")]
    [InlineData("在楼下苍蝇馆子吃饭，吃出了苍蝇", "苍蝇")]
    [InlineData("厨房燃气爆炸，窗户都碎了", "爆炸")]
    public void Chinese_harm_reports_are_still_found(string text, string term) =>
        HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(text)).ShouldBe(term);

    // Decision 245: an injury in sports news is roster news, unless the sentence names the writer or someone close to them, or
    // counts casualties just before it (a reviewer's examples of real reports among the second group).
    [Theory]
    [InlineData("Spurs striker Emmanuel Adebayor will miss Thursday's game against Lazio with a hamstring injury.", null)]
    [InlineData("Ricky Ponting was pulled out of a Sheffield Shield game on Friday with a hamstring injury", null)]
    [InlineData("Steve Finn is now injured on day 1 of the 1st tour game", null)]
    [InlineData("my son got injured at his football game last night", "injured")]
    [InlineData("Niece reinjured ankle @ last night b-ball game", "reinjure")]
    [InlineData("Four were killed, 19 injured when a bomb demolished the building", "killed")]
    [InlineData("two workers injured in the warehouse fire", "injured")]
    [InlineData("Stand collapses at cricket match, 30 fans injured", "injured")]
    [InlineData("Friends got injured when the bleachers collapsed at the game", "injured")]
    [InlineData("Hurricane season: 12 injured as storm hits", "injured")]
    [InlineData("Coach overturns on the M6, 20 injured.", "injured")]
    [InlineData("Mother injured at the game when the railing gave way", "injured")]
    public void Injuries_in_sports_news_are_not_harm_reports_but_ones_close_to_the_writer_are(string text, string? term) =>
        HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(text)).ShouldBe(term);

    // Decision 246: a death reports harm only when the post says what caused it or its sentence whose it is; "killed" as praise
    // is none, and a praise phrase never runs across a sentence or a comma.
    [Theory]
    [InlineData("my cousin died last night", "died")]
    [InlineData("A customer died after eating at the buffet", "died")]
    [InlineData("At least 40 died when the bus left the road", "died")]
    [InlineData("I'm so sorry for the horses who died at the polo match.", "died")]
    [InlineData("Two passengers died in the crash on the A1", "died")]
    [InlineData("Oh man JG Ballard died.  RIP.", null)]
    [InlineData("just watched the 3rd season of The O.C., Marissa died. Very sad", null)]
    [InlineData("This died between Rousey and Mayweather", null)]
    [InlineData("Mushu wearing the foam guitar after our show. We killed it", null)]
    [InlineData("Kendrick killed this beat better", null)]
    [InlineData("Four were killed when a bomb demolished the building", "killed")]
    [InlineData("A man died on a Ryanair flight from Dublin last night and nobody helped", "died")]
    [InlineData("My daughter had the chicken at your restaurant on Monday. She died.", "died")]
    [InlineData("Ten more have died, the health department says", "died")]
    [InlineData("Two died at the Amazon warehouse", "died")]
    [InlineData("Well, wondering how many times Tom Cruise died in Edge of Tomorrow", null)]
    [InlineData("A worker was killed. It happened at the plant on 5th", "killed")]
    [InlineData("A teen was killed this weekend when the car rolled over", "killed")]
    [InlineData("Driver killed, it was on autopilot", "killed")]
    [InlineData("Carrie Fisher, 60, has died", null)]
    [InlineData("In 2009 JG Ballard died", null)]
    [InlineData("At least 40 have died", "died")]
    [InlineData("Seventeen died when the bridge gave way", "died")]
    [InlineData("lol I literally died... laughing at this", null)]
    public void A_death_reports_harm_when_the_post_names_whose_or_what_caused_it(string text, string? term) =>
        ShouldReportOrDismiss(text, term);

    // Decision 248: a killing reports harm only with what caused it or whom it happened to, like a death; a death dated in the
    // last century is history; a title's full stop does not end the sentence whose person counts; a number that
    // names (season 3, aged 60, 5 June) is no casualty count; "plane", "car" and "shelling" match as written, not by stem; and
    // a praise phrase ends where its last word ends ("killed it's" is not "killed it").
    [Theory]
    [InlineData("7 Boko Haram militants killed in a clash with security forces", "killed")]
    [InlineData("they may have killed Muslims but it don't make u a Khawarij", null)]
    [InlineData("How Israel killed a Hamas mastermind and honed its war", null)]
    [InlineData("Killed 10,000 Refugees, 200,000 Displaced", "killed")]
    [InlineData("25 March 1972: An IRA volunteer was killed when two units engaged each other", null)]
    [InlineData("Elvis died in Memphis on August 16, 1977 after a heart attack at home", null)]
    [InlineData("A passenger died on the flight this morning", "died")]
    [InlineData("My uncle Dr. Smith died today", "died")]
    [InlineData("In season 3 Marissa died", null)]
    [InlineData("Carrie Fisher, aged 60, has died", null)]
    [InlineData("On 5 June Ballard died", null)]
    [InlineData("60 may have died", "died")]
    [InlineData("My son finished 1st. JG Ballard died", null)]
    [InlineData("Earthquake in Turkey: 1900 killed", "killed")]
    [InlineData("At 1830 a worker was killed", "killed")]
    [InlineData("My dad was killed when the airbag in his 1999 Jeep failed", "killed")]
    [InlineData("Two workers died at the plant. Info line 1800 555 123", "died")]
    [InlineData("Kurt Cobain died in 1994, not 1993", null)]
    [InlineData("11 December 1971- An IRA bomb attack on the Shankill Road killed four", null)]
    [InlineData("1920: the IRA killed 14 members of the forces and then 14 civilians were killed", null)]
    [InlineData("The plan died in committee", null)]
    [InlineData("Nobody cared when JG Ballard died", null)]
    [InlineData("Loved the Shell advert where the old man died", null)]
    [InlineData("Two planes collided and the pilot died", "died")]
    [InlineData("my brother got killed it's so unfair", "killed")]
    [InlineData("We killed it tonight, thanks Leeds", null)]
    [InlineData("my nokia 1110 died..", null)]
    public void A_killing_reports_harm_like_a_death_and_history_does_not(string text, string? term) =>
        ShouldReportOrDismiss(text, term);

    // The post reports harm with this term, or (term null) every term it holds is dismissed.
    private static void ShouldReportOrDismiss(string text, string? term)
    {
        var judgement = HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold(text));
        judgement.Term.ShouldBe(term);
        judgement.Dismissed.ShouldBe(term is null);
    }

    // A post of 100,000 characters with a harm word in every word took 116 s to judge when every found term read its whole
    // sentence and post; each term now reads a window around it and the post is read once. Not timed here: the judgement of
    // such posts is asserted, and a report after the first hundred terms set aside is not read (MaxTermsRead).
    [Fact]
    public void A_huge_post_of_harm_words_is_judged_without_reading_it_whole_for_each()
    {
        var deaths = HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold(string.Concat(Enumerable.Repeat("died ", 20_000))));
        deaths.Term.ShouldBeNull();
        deaths.Dismissed.ShouldBeTrue();
        var insects = HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold(string.Concat(Enumerable.Repeat("虫子", 50_000))));
        insects.Term.ShouldBeNull();
        insects.Dismissed.ShouldBeTrue();
        HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold("my son was injured at the store. " + string.Concat(Enumerable.Repeat("died. ", 20_000))))
            .Term.ShouldBe("injured");
        HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold(string.Concat(Enumerable.Repeat("died. ", 150)) + "my son was injured at the store"))
            .Term.ShouldBeNull("the hundred-and-first English term is not read");

        // Per Chinese term: a hundred insects set aside do not hide a scald listed after them, nor an English report.
        HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold("我儿子烫伤了。" + string.Concat(Enumerable.Repeat("虫子。", 150)))).Term.ShouldBe("烫伤");
        HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold(string.Concat(Enumerable.Repeat("虫子。", 150)) + " my son was injured")).Term.ShouldBe("injured");

        // A window cut inside a word does not make a word of the cut ("ignition" cut to "i", the writer).
        HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold("jg ballard died" + string.Concat(Enumerable.Repeat(" blah", 78)) + " xyz ignition")).Term.ShouldBeNull();
    }

    [Theory]
    [InlineData("died?after|heart attack", "heart attack")]
    [InlineData("died?", "'?' must be followed")]
    [InlineData("died?|", "'?' must be followed")]
    [InlineData("died?=", "a context must be one word")]
    [InlineData("died?after|医院", "a context must be one word")]
    [InlineData("?after|eat", "no term before its contexts")]
    [InlineData("虫子?", "'?' must be followed")]
    [InlineData("!phone ... died?after", "takes no context words")]
    public void A_context_that_could_never_match_is_refused_when_the_list_loads(string line, string message) =>
        Should.Throw<InvalidDataException>(() => new HarmTerms([line])).Message.ShouldContain(message);

    [Fact]
    public void A_context_written_full_width_is_folded_like_the_text()
    {
        var list = new HarmTerms(["died?ｃａｒ"]);
        list.Find(Core.Mentions.TextNormalizer.Fold("a man died in his car")).ShouldBe("died");
        list.Find(Core.Mentions.TextNormalizer.Fold("Ballard died")).ShouldBeNull();
    }

    // Decision 243: a term where it does not mean harm (a handle, a title, an insect with no food, a phone) is dismissed; a
    // negated or hedged one is not (it still speaks of harm, and the list may misread a report), nor is a post holding one
    // beside a dismissed term; and a report is a report.
    [Theory]
    [InlineData("//@孤狼受伤: 转发微博", false, true)]
    [InlineData("看完《生活大爆炸》笑死", false, true)]
    [InlineData("发现有只虫子爬在我的牛仔裤上", false, true)]
    [InlineData("lost my charger and my phone just died", false, true)]
    [InlineData("lol i died laughing at that", false, true)]
    [InlineData("四车追尾，万幸没有人受伤", false, false)]
    [InlineData("84和洁厕灵千万别混用，会中毒", false, false)]
    [InlineData("no one was injured and nobody got hurt", false, false)]
    [InlineData("今天天气不错", false, false)]
    [InlineData("//@孤狼受伤: 昨晚吃了他家火锅，今天拉肚子", true, false)]
    [InlineData("//@孤狼受伤: 万幸没有人受伤", false, false)]
    [InlineData("今天摔得很受伤，千万别骨折", false, false)]
    [InlineData("i died laughing. no baby got sick", false, false)]
    public void The_harm_list_says_when_it_read_a_term_that_does_not_mean_harm(string text, bool reports, bool dismissed)
    {
        var judgement = HarmTerms.Shipped.Judge(Core.Mentions.TextNormalizer.Fold(text));
        judgement.Reports.ShouldBe(reports);
        judgement.Dismissed.ShouldBe(dismissed);
        judgement.Term.ShouldBe(HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(text)));
    }

    [Theory]
    [InlineData("//@孤狼受伤: 转发", "//@孤狼  : 转发")]
    [InlineData("my phone just died, ugh", "my phone just     , ugh")]
    [InlineData("got food poisoning twice", "got                twice")]
    [InlineData("今天天气不错", "今天天气不错")]
    public void Masking_blanks_every_listed_term_and_keeps_the_rest_in_place(string folded, string masked) =>
        HarmTerms.Shipped.MaskTerms(folded).ShouldBe(masked);

    // The harm-word check (decision 242): Weibo posts in which the list fired before decision 242, labelled blind. On the test half
    // the list found 58 of 59 reports and 101 of 141 other posts (precision 0.365; before: 59, 141, 0.295). Floors a little under.
    [CorpusFact]
    public void The_harm_list_finds_chinese_harm_reports_and_fires_on_fewer_other_weibo_posts()
    {
        var items = CrisisCheck.Load(TestPaths.HarmCheck, TestPaths.Corpus).Where(c => c.Split == "test").ToList();
        var reports = items.Where(c => c.Kind == CrisisCheck.Crisis).ToList();
        var others = items.Where(c => c.Kind == CrisisCheck.NotCrisis).ToList();
        reports.Count.ShouldBeGreaterThan(50);
        others.Count.ShouldBeGreaterThan(100);
        (reports.Count + others.Count).ShouldBe(items.Count);
        bool Found(CrisisCheck c) => HarmTerms.Shipped.Find(Core.Mentions.TextNormalizer.Fold(c.Text)) is not null;
        var recall = reports.Count(Found) / (double)reports.Count;
        var alarms = others.Count(Found) / (double)others.Count;
        recall.ShouldBeGreaterThan(0.95);
        alarms.ShouldBeLessThan(0.80);
    }

    [CorpusFact]
    public void A_model_with_a_neutral_head_saves_loads_and_serves_the_same_three_probabilities()
    {
        // A small real training set: enough for both heads to learn something, quick to train.
        var data = Corpora.Value.Where(t => !t.Test && (t.Corpus == "en-semeval-2016" || t.Corpus == "zh-smp2020-usual")).Where((_, i) => i % 8 == 0).ToList();
        var run = new SocialTrainingRun(TextWriter.Null);
        var trained = run.Train(data, SocialTrainingRun.Shipped, DateTimeOffset.UnixEpoch);
        var head = trained.Model.Manifest.NeutralHead! with { HarmPolarShift = -1.5f, HarmNeutralShift = -2f };
        var path = Path.Combine(TestPaths.TempDirectory(), "sentiment.zip");

        var loaded = SocialTrainingRun.Save(trained, head, path);

        loaded.HasNeutralHead.ShouldBeTrue();
        loaded.Manifest.NeutralHead.ShouldBe(head);
        var inMemory = trained.Model.WithManifest(trained.Model.Manifest with { NeutralHead = head });
        var vector = new FeatureVector();
        foreach (var text in new[] { "Does the store open at 9 on Sunday?", "worst airline ever, lost my bag again", "今天天气真好，开心", "吃完就食物中毒了", "在家里看书" })
        {
            var prepared = loaded.Featurizer.Prepare(text);
            loaded.Featurizer.FeaturizeNormalized(prepared, vector, text);
            var (n, u, p) = loaded.Probabilities(vector, prepared, "");
            (n + u + p).ShouldBe(1f, 1e-4f);
            var expected = inMemory.Probabilities(vector, prepared, "");
            n.ShouldBe(expected.Negative, 1e-5f, text);
            u.ShouldBe(expected.Neutral, 1e-5f, text);
        }
    }

    [CorpusFact]
    public void The_harm_shifts_move_a_harm_report_towards_negative_and_leave_other_posts_alone()
    {
        var data = Corpora.Value.Where(t => !t.Test && (t.Corpus == "en-semeval-2016" || t.Corpus == "zh-smp2020-usual")).Where((_, i) => i % 8 == 0).ToList();
        var trained = new SocialTrainingRun(TextWriter.Null).Train(data, SocialTrainingRun.Shipped);
        var model = trained.Model;
        var shifted = model.WithManifest(model.Manifest with { NeutralHead = model.Manifest.NeutralHead! with { HarmPolarShift = -2f, HarmNeutralShift = -2f } });

        var harm = Probabilities(model, "my son was hospitalized after eating at the fair");
        var harmShifted = Probabilities(shifted, "my son was hospitalized after eating at the fair");
        harmShifted.Negative.ShouldBeGreaterThan(harm.Negative + 0.1f);
        harmShifted.Neutral.ShouldBeLessThan(harm.Neutral);

        var plain = Probabilities(model, "what time does the store open on sunday");
        Probabilities(shifted, "what time does the store open on sunday").ShouldBe(plain);
    }

    [Fact]
    public void The_label_is_the_most_probable_class_and_negative_wins_a_tie() =>
        (SentimentModel.LabelOf((0.4f, 0.4f, 0.2f)), SentimentModel.LabelOf((0.2f, 0.5f, 0.3f)), SentimentModel.LabelOf((0.1f, 0.3f, 0.6f)))
            .ShouldBe((SentimentLabel.Negative, SentimentLabel.Neutral, SentimentLabel.Positive));

    private static (float Negative, float Neutral, float Positive) Probabilities(SentimentModel model, string text)
    {
        var vector = new FeatureVector();
        var prepared = model.Featurizer.Prepare(text);
        model.Featurizer.FeaturizeNormalized(prepared, vector, text);
        return model.Probabilities(vector, prepared, "");
    }
}
