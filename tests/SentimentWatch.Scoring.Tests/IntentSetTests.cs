using System.Globalization;
using Microsoft.ML;
using SentimentWatch.Scoring.Featurization;
using SentimentWatch.Scoring.Models;
using SentimentWatch.Scoring.Training;

namespace SentimentWatch.Scoring.Tests;

/// <summary>
/// The Chinese intent set (Data/intent-check.tsv, docs/intent-rubric.md) and the intent head measured on it (decisions 210, 211).
/// </summary>
public sealed class IntentSetTests
{
    private static readonly Lazy<IReadOnlyList<IntentCheck>> Items = new(() => IntentCheck.Load(TestPaths.IntentCheck, TestPaths.Corpus));

    private static readonly Lazy<SentimentModel> Shipped = new(() => SentimentModel.Load(new MLContext(seed: 1), Path.Combine(TestPaths.Models, "sentiment.zip"), "test"));

    [CorpusFact]
    public void Every_post_loads_and_the_labels_give_both_sides_enough_posts()
    {
        var items = Items.Value;
        items.Count.ShouldBe(2171);
        items.Select(i => i.Id).Distinct().Count().ShouldBe(items.Count);
        items.Select(i => i.Key).Distinct().Count().ShouldBe(items.Count);
        items.ShouldAllBe(i => i.Language == "zh" && i.Text.Length > 0 && TopicCheck.Key(i.Text) == i.Key);
        items.Count(i => i.IsPlain).ShouldBeGreaterThanOrEqualTo(150);
        items.Count(i => !i.IsPlain).ShouldBeGreaterThanOrEqualTo(150);
        // The split is a function of the key alone (key mod 5: 0-2 train, 3 dev, 4 test), never of the label; draw 5 (decision 222,
        // i-zh-1772..2171) is the fresh test set, split `fresh` whatever its keys.
        static bool Draw5(IntentCheck i) => int.Parse(i.Id["i-zh-".Length..], CultureInfo.InvariantCulture) >= 1772;
        items.Count(Draw5).ShouldBe(400);
        static string SplitOf(IntentCheck i) => Draw5(i) ? "fresh"
            : Convert.ToUInt32(i.Key, 16) % 5 < 3 ? "train" : Convert.ToUInt32(i.Key, 16) % 5 == 3 ? "dev" : "test";
        items.Where(i => i.Split != SplitOf(i)).Select(i => i.Id).ShouldBeEmpty();
    }

    [CorpusFact]
    public void No_post_is_in_the_crisis_check_the_complaint_set_or_a_held_out_test_set()
    {
        var keys = Items.Value.Select(i => i.Key).ToHashSet(StringComparer.Ordinal);
        var crisis = File.ReadLines(TestPaths.CrisisCheck).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')[6]);
        var complaints = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", "complaints.tsv")).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t')[3]);
        crisis.Concat(complaints).Count(keys.Contains).ShouldBe(0);

        // Compared as train-sentiment compares texts (width, case and whitespace folded; Weibo emoticons stripped).
        var heldOut = SocialCorpora.Load(TestPaths.Corpus).Where(t => t.Test).Select(t => SocialCorpora.Key(t.Text)).ToHashSet(StringComparer.Ordinal);
        Items.Value.Count(i => heldOut.Contains(SocialCorpora.Key(SocialCorpora.StripWeiboEmoticons(i.Text)))
            || heldOut.Contains(SocialCorpora.Key(i.Text))).ShouldBe(0);
    }

    [Theory]
    [InlineData("请问这家店几点开门", true)]
    [InlineData("有没有人知道地铁今天停运吗", true)]
    [InlineData("这个价格还好意思卖？", true)]
    [InlineData("【通知】图书馆周一闭馆", true)]
    [InlineData("#武汉身边事# 【公交线路调整】明天起", true)]
    [InlineData("通知：本周六停水", true)]
    [InlineData("今天天气真好，出去走走", false)]
    [InlineData("快递三天了还没到", false)]
    public void Intent_marks_are_the_candidate_search_of_the_set(string text, bool holds) =>
        IntentMarks.Holds(TextNormalizerFold(text)).ShouldBe(holds);

    private static string TextNormalizerFold(string text) => Core.Mentions.TextNormalizer.Fold(text);

    // The head is trained here from the train split and served through the same code as a saved model: it may move a Chinese
    // plain post off negative, but never a post with a complaint cue, a harm report, or an English post.
    [CorpusFact]
    public void An_intent_head_leaves_complaint_cues_harm_reports_and_english_posts_as_they_were()
    {
        var model = Shipped.Value;
        var (head, schema, ml) = IntentTraining.TrainHead(model, Items.Value.Where(i => i.Split == "train").ToList(), 1f, balanced: true);
        var path = Path.Combine(TestPaths.TempDirectory(), "sentiment.zip");
        File.Copy(Path.Combine(TestPaths.Models, "sentiment.zip"), path);
        // An extreme setting, so any post the gates let through is moved: the test is about the gates.
        var manifest = model.Manifest with { IntentHead = new IntentHeadSettings(IntentTraining.Entry, 0f, 20f), Version = model.Manifest.Version + "+intent-test" };
        ModelFile.AddEntries(ml, path, schema, manifest, new Dictionary<string, ITransformer> { [IntentTraining.Entry] = head });
        var withHead = SentimentModel.Load(new MLContext(seed: 1), path, "test");
        withHead.HasIntentHead.ShouldBeTrue();
        model.HasIntentHead.ShouldBeFalse();

        string[] unchanged =
        [
            "请问我的快递怎么还没到？客服电话一直打不通",   // complaint cues (还没到, 打不通)
            "请问吃了这家的外卖食物中毒住院了怎么办？",     // a harm report
            "why is my order STILL not here??",            // English
            "质量这么差还好意思卖？这就是所谓的服务？",       // complaint jabs (decision 222)
        ];
        foreach (var text in unchanged)
        {
            SocialTrainingRun.Labels(withHead, [text]).ShouldBe(SocialTrainingRun.Labels(model, [text]), text);
        }

        SocialTrainingRun.Labels(model, ["请问我的快递怎么还没到？客服电话一直打不通"]).ShouldBe(["negative"]);
        SocialTrainingRun.Labels(model, ["质量这么差还好意思卖？这就是所谓的服务？"]).ShouldBe(["negative"]);
        // Without a question or announcement mark the head is not read, however sure it is.
        var statements = Items.Value.Where(i => !IntentMarks.Holds(model.Featurizer.Prepare(i.Text))).Select(i => i.Text).ToList();
        SocialTrainingRun.Labels(withHead, statements).ShouldBe(SocialTrainingRun.Labels(model, statements));
        // ... and with the gates passed it does move posts (the comparison above is not vacuous).
        var all = Items.Value.Select(i => i.Text).ToList();
        SocialTrainingRun.Labels(withHead, all).Count(l => l == "negative").ShouldBeLessThan(SocialTrainingRun.Labels(model, all).Count(l => l == "negative"));
    }

    // Measured on the test split and reported in models/MODEL.md (intent set; decision 213 for the 1,771-post set): the served
    // model's figures, with a margin of two posts, so a retrain that serves more plain posts negative, or fewer complaints
    // negative, fails.
    [CorpusFact]
    public void The_served_model_keeps_complaints_negative_and_plain_posts_mostly_not_on_the_intent_test_split()
    {
        var test = Items.Value.Where(i => i.Split == "test").ToList();
        var labels = SocialTrainingRun.Labels(Shipped.Value, test.Select(i => i.Text).ToList());
        var plain = test.Select((i, k) => (i, l: labels[k])).Where(x => x.i.IsPlain).ToList();
        var complaints = test.Select((i, k) => (i, l: labels[k])).Where(x => x.i.Intent == IntentCheck.Complaint).ToList();
        plain.Count.ShouldBe(77);
        complaints.Count.ShouldBe(64);
        plain.Count(x => x.l == "negative").ShouldBeLessThanOrEqualTo(25 + 2);
        complaints.Count(x => x.l == "negative").ShouldBeGreaterThanOrEqualTo(63 - 2);

        // The 123 test posts of decision 210 (i-zh-001..700) keep their own figures, so the larger set does not dilute them.
        static bool First700(IntentCheck i) => int.Parse(i.Id["i-zh-".Length..], CultureInfo.InvariantCulture) <= 700;
        var firstPlain = plain.Where(x => First700(x.i)).ToList();
        var firstComplaints = complaints.Where(x => First700(x.i)).ToList();
        firstPlain.Count.ShouldBe(46);
        firstComplaints.Count.ShouldBe(20);
        firstPlain.Count(x => x.l == "negative").ShouldBeLessThanOrEqualTo(8 + 2);
        firstComplaints.Count(x => x.l == "negative").ShouldBeGreaterThanOrEqualTo(19 - 2);
    }

    // Draw 5 (decision 222): 400 posts no head, rule or choice has read, labelled blind by two helpers. The served model's figures,
    // with a margin of two posts, as above; the head measured on it is in the decision (not shipped).
    [CorpusFact]
    public void The_served_model_on_the_fresh_draw_keeps_complaints_negative_and_serves_a_third_of_plain_posts_negative()
    {
        var fresh = Items.Value.Where(i => i.Split == "fresh").ToList();
        var labels = SocialTrainingRun.Labels(Shipped.Value, fresh.Select(i => i.Text).ToList());
        var plain = fresh.Select((i, k) => (i, l: labels[k])).Where(x => x.i.IsPlain).ToList();
        var complaints = fresh.Select((i, k) => (i, l: labels[k])).Where(x => x.i.Intent == IntentCheck.Complaint).ToList();
        plain.Count.ShouldBe(47);
        complaints.Count.ShouldBe(95);
        plain.Count(x => x.l == "negative").ShouldBeLessThanOrEqualTo(15 + 2);
        complaints.Count(x => x.l == "negative").ShouldBeGreaterThanOrEqualTo(93 - 2);
    }

    [Theory]
    [InlineData("质量这么差还好意思卖？", true)]
    [InlineData("凭什么不给退？", true)]
    [InlineData("这就是所谓的服务？", true)]
    [InlineData("有人管管吗？", true)]
    [InlineData("请问这家店几点开门？", false)]
    [InlineData("妈妈的生日礼物买什么好？", false)]
    public void Complaint_jabs_are_found_in_the_folded_text(string text, bool holds) =>
        ComplaintJabs.Holds(TextNormalizerFold(text)).ShouldBe(holds);
}
