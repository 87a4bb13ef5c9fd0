using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Indexing.Tests.Api;

/// <summary><c>GET /api/mentions/to-label</c> over a real Lucene index (decision 212): the least certain first, corrected and reposted left out.</summary>
public sealed class LabellingQueueApiWithHeaderRoleTestAuthTests : IAsyncLifetime
{
    private readonly IndexingApiFixture fixture = new();
    private static readonly DateTimeOffset Recent = DateTimeOffset.UtcNow.AddDays(-1);
    private const string Range = "from=2026-11-01&to=2026-11-30";

    private static Mention Scored(string id, float negative, float neutral, float positive, DateTimeOffset? at = null, TopicScore? topic = null)
    {
        var label = negative >= neutral && negative >= positive ? SentimentLabel.Negative : positive > neutral ? SentimentLabel.Positive : SentimentLabel.Neutral;
        return TestMentions.Create(id, "绿莫 " + id, at ?? TestMentions.Epoch.AddHours(id.Length), watches: ["brand"]) with
        {
            Sentiment = new SentimentScore(label, negative, neutral, positive),
            Topic = topic,
            ScoredBy = "test-model-1",
        };
    }

    public async Task InitializeAsync()
    {
        await fixture.InitializeAsync();
        Mention[] mentions =
        [
            Scored("coin-toss", 0.45f, 0.44f, 0.11f, topic: new TopicScore(ComplaintTopics.Logistics, 0.95f)),
            Scored("leaning", 0.60f, 0.30f, 0.10f, topic: new TopicScore(ComplaintTopics.RefundReturn, 0.31f)),
            Scored("sure", 0.02f, 0.03f, 0.95f, topic: new TopicScore(ComplaintTopics.Other, 0.20f)),
            Scored("corrected", 0.40f, 0.39f, 0.21f) with { Correction = new LabelCorrection(SentimentLabel.Positive, null, "ana", TestMentions.Epoch) },
            Scored("repost", 0.41f, 0.40f, 0.19f) with { DuplicateOf = "coin-toss" },
            TestMentions.Create("unscored", "绿莫 unscored", TestMentions.Epoch.AddHours(3), watches: ["brand"]),
            Scored("this-week", 0.50f, 0.48f, 0.02f, at: Recent),
        ];
        await fixture.Index.UpsertAsync(mentions, CancellationToken.None);
    }

    public Task DisposeAsync() => fixture.DisposeAsync();

    private static string[] Ids(JsonElement queue) =>
        [.. queue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("mention").GetProperty("id").GetString()!)];

    [Fact]
    public async Task The_sentiment_queue_lists_the_least_certain_first_and_leaves_out_corrected_reposted_and_unscored_mentions()
    {
        var queue = await fixture.Client().GetFromJsonAsync<JsonElement>($"/api/mentions/to-label?{Range}");

        queue.GetProperty("kind").GetString().ShouldBe("sentiment");
        Ids(queue).ShouldBe(["coin-toss", "leaning", "sure"]);
        queue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("certainty").GetDouble()).ShouldBe([0.01, 0.30, 0.92], tolerance: 0.0001);
        queue.GetProperty("read").GetInt32().ShouldBe(6);
        queue.GetProperty("candidates").GetInt32().ShouldBe(3);
        queue.GetProperty("windowFull").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task The_topic_queue_ranks_complaints_by_topic_confidence_and_skips_mentions_not_labelled_negative()
    {
        var queue = await fixture.Client().GetFromJsonAsync<JsonElement>($"/api/mentions/to-label?kind=topic&{Range}");

        Ids(queue).ShouldBe(["leaning", "coin-toss"]);
        queue.GetProperty("items")[0].GetProperty("certainty").GetDouble().ShouldBe(0.31, 0.0001);
    }

    [Fact]
    public async Task Without_dates_the_queue_reads_the_last_seven_days_and_a_small_window_says_it_is_full()
    {
        var week = await fixture.Client().GetFromJsonAsync<JsonElement>("/api/mentions/to-label");
        Ids(week).ShouldBe(["this-week"]);

        var one = await fixture.Client().GetFromJsonAsync<JsonElement>($"/api/mentions/to-label?{Range}&window=2&size=1");
        one.GetProperty("read").GetInt32().ShouldBe(2);
        one.GetProperty("windowFull").GetBoolean().ShouldBeTrue();
        Ids(one).Length.ShouldBe(1);
    }

    [Theory]
    [InlineData("kind=angriest", "kind")]
    [InlineData("size=0", "size")]
    [InlineData("window=100000", "window")]
    [InlineData("sentiment=angry", "sentiment")]
    public async Task Bad_queue_parameters_give_problem_details_naming_the_parameter(string query, string parameter)
    {
        var response = await fixture.Client().GetAsync("/api/mentions/to-label?" + query);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("errors").TryGetProperty(parameter, out _).ShouldBeTrue();
    }

    [Theory]
    [InlineData(ApiRoles.Analyst, HttpStatusCode.OK)]
    [InlineData(ApiRoles.Admin, HttpStatusCode.OK)]
    [InlineData(ApiRoles.Support, HttpStatusCode.Forbidden)]
    [InlineData(ApiRoles.Pr, HttpStatusCode.Forbidden)]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    public async Task Only_analysts_and_admins_read_the_queue(string? role, HttpStatusCode expected) =>
        (await fixture.Client(role).GetAsync("/api/mentions/to-label")).StatusCode.ShouldBe(expected);
}
