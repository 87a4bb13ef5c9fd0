using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Core.Indexing;

namespace SentimentWatch.Tests.Api;

/// <summary>
/// Analysts correct a mention's labels through the real host (SQLite file, Lucene on disk, shipped models):
/// the index shows the correction at once, the model's label stays beside it, the history is audited, and a
/// later write of the mention from the ledger (a re-score) keeps the correction (decision 160).
/// </summary>
public sealed class LabelCorrectionTests(ServiceFactory service) : IClassFixture<ServiceFactory>
{
    private static object Mention(string externalId, string text) => new
    {
        source = "app-feedback",
        externalId,
        url = $"https://app.example.com/feedback/{externalId}",
        author = "customer-" + externalId,
        text,
        publishedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
        reach = 10,
    };

    private async Task<string> IndexedMentionAsync(string text)
    {
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        var token = Guid.NewGuid().ToString("N")[..10];
        var response = await admin.PostAsJsonAsync("/api/intake/mentions", new[] { Mention("lc-" + token, $"{text} {token}") });
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ids")[0].GetString()!;
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if ((await analyst.GetAsync($"/api/mentions/{id}")).StatusCode == HttpStatusCode.OK)
            {
                return id;
            }
        }

        throw new TimeoutException($"mention {id} was not indexed in 30 s");
    }

    [Fact]
    public async Task ACorrection_ShowsInTheIndexAtOnce_KeepsTheModelLabel_AndIsAudited()
    {
        var id = await IndexedMentionAsync("Lumo refund still missing after two weeks, support never answers");
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);
        var before = await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions/{id}");
        var modelSentiment = before.GetProperty("sentiment").GetString()!;
        var corrected = modelSentiment == "neutral" ? "positive" : "neutral";
        var topic = before.GetProperty("topic").GetString() == "logistics" ? "refund_return" : "logistics";

        var response = await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = corrected, topic, note = "call me on 13812345678" });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var after = await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions/{id}");
        after.GetProperty("sentiment").GetString().ShouldBe(corrected);
        after.GetProperty("topic").GetString().ShouldBe(topic);
        after.GetProperty("modelSentiment").GetString().ShouldBe(modelSentiment);
        after.GetProperty("modelTopic").GetString().ShouldBe(before.GetProperty("topic").GetString());
        after.GetProperty("text").GetString().ShouldBe(before.GetProperty("text").GetString());
        after.GetProperty("correction").GetProperty("by").GetString().ShouldNotBeNullOrWhiteSpace();

        // Filters read the corrected labels, with no refresh in between.
        var found = await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions?sentiment={corrected}&topic={topic}&q=id:{id}");
        found.GetProperty("total").GetInt64().ShouldBe(1);

        var history = await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions/{id}/labels");
        var change = history.GetProperty("history").EnumerateArray().ShouldHaveSingleItem();
        change.GetProperty("oldSentiment").GetString().ShouldBe(modelSentiment);
        change.GetProperty("newSentiment").GetString().ShouldBe(corrected);
        change.GetProperty("newTopic").GetString().ShouldBe(topic);
        change.GetProperty("by").GetString().ShouldBe(after.GetProperty("correction").GetProperty("by").GetString());
        change.GetProperty("note").GetString()!.ShouldNotContain("13812345678");
    }

    [Fact]
    public async Task ASecondCorrection_ChangesOnlyWhatItNames_AndTheHistoryReadsOldToNew()
    {
        var id = await IndexedMentionAsync("绿莫外卖送餐太慢了，等了两个小时，饭都凉了");
        var admin = service.ClientWithKey(ServiceFactory.AdminKey);
        (await admin.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "negative" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostAsJsonAsync($"/api/mentions/{id}/labels", new { topic = "logistics" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var labels = await admin.GetFromJsonAsync<JsonElement>($"/api/mentions/{id}/labels");
        labels.GetProperty("sentiment").GetString().ShouldBe("negative");
        labels.GetProperty("topic").GetString().ShouldBe("logistics");
        var history = labels.GetProperty("history").EnumerateArray().ToList();
        history.Count.ShouldBe(2);
        history[1].GetProperty("oldSentiment").GetString().ShouldBe("negative");
        history[1].TryGetProperty("newSentiment", out var unchanged).ShouldBeTrue();
        unchanged.ValueKind.ShouldBe(JsonValueKind.Null);
        history[1].GetProperty("oldTopic").GetString().ShouldBe(labels.GetProperty("modelTopic").GetString());
    }

    // The sweep of 5 December: the same correction posted twice (a retry, a second click) was audited twice.
    [Fact]
    public async Task TheSameCorrectionPostedAgain_IsNotRecordedTwice_ButOneWithANoteIs()
    {
        var id = await IndexedMentionAsync("Lumo oat latte was fine, nothing special");
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);
        var correction = new { sentiment = "neutral", topic = "other" };
        (await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", correction)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var again = await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", correction);
        var sentimentOnly = await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "neutral" });

        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        sentimentOnly.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sentiment").GetString().ShouldBe("neutral");
        (await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions/{id}/labels")).GetProperty("history").GetArrayLength().ShouldBe(1);

        (await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "neutral", note = "checked with the store" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { topic = "product_quality" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions/{id}/labels")).GetProperty("history").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task AMentionWrittenAgainFromTheLedger_KeepsItsCorrection()
    {
        var id = await IndexedMentionAsync("Lumo app keeps crashing when I pay");
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);
        (await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "positive", topic = "price_billing" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // What a re-score with a new model does: the ledger's copy (no correction) upserted over the indexed one.
        var index = service.Services.GetRequiredService<IMentionIndex>();
        // The engine stays reachable under the wrapper (Elasticsearch's start-up preparation, reindex's analysis check).
        MentionIndexes.Engine(index).ShouldBeOfType<SentimentWatch.Indexing.Lucene.LuceneMentionIndex>();
        var indexed = (await index.GetAsync(id, CancellationToken.None))!;
        await index.UpsertAsync([indexed with { Correction = null, ScoredBy = "a-newer-model" }], CancellationToken.None);

        var after = await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions/{id}");
        after.GetProperty("scoredBy").GetString().ShouldBe("a-newer-model");
        after.GetProperty("sentiment").GetString().ShouldBe("positive");
        after.GetProperty("topic").GetString().ShouldBe("price_billing");
    }

    [Fact]
    public async Task UnknownLabels_Answer400NamingTheField_AndAnUnknownMention404()
    {
        var id = await IndexedMentionAsync("Lumo coffee was cold");
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);

        var response = await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "angry", topic = "weather" });
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("sentiment")[0].GetString()!.ShouldContain("negative, neutral or positive");
        errors.GetProperty("topic")[0].GetString()!.ShouldContain("logistics");

        var empty = await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { note = "nothing to change" });
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var unknown = await analyst.PostAsJsonAsync("/api/mentions/no-such-mention/labels", new { sentiment = "negative" });
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!.ShouldContain("no-such-mention");
        (await analyst.GetAsync("/api/mentions/no-such-mention/labels")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var labels = await analyst.GetFromJsonAsync<JsonElement>($"/api/mentions/{id}/labels");
        labels.GetProperty("history").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_note_at_the_limit_with_line_breaks_sent_as_a_browser_sends_them_is_taken_and_one_over_is_refused()
    {
        var id = await IndexedMentionAsync("Lumo delivery was an hour late");
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);

        // A textarea counts a line break as one character and the browser sends it as CR LF: 500 lines of "abc" + break
        // are 2,000 characters in the box and 2,500 on the wire.
        var atTheLimit = string.Concat(Enumerable.Repeat("abc\r\n", 500));
        var taken = await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "negative", note = atTheLimit });
        taken.StatusCode.ShouldBe(HttpStatusCode.OK, await taken.Content.ReadAsStringAsync());

        var over = await analyst.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "neutral", note = atTheLimit + "x" });
        over.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await over.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("note")[0].GetString()!.ShouldContain("2001 characters");
    }

    [Fact]
    public async Task SupportStaff_CannotCorrectLabels()
    {
        var id = await IndexedMentionAsync("Lumo latte too sweet");
        var support = service.ClientWithKey(ServiceFactory.SupportKey);
        (await support.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "negative" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await support.GetAsync("/api/scoring/drift")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Drift_ComparesTheLastWeeksLabelsWithTheTrainingData()
    {
        await IndexedMentionAsync("Lumo refund never arrived, terrible service");
        var analyst = service.ClientWithKey(ServiceFactory.AnalystKey);

        var drift = await analyst.GetFromJsonAsync<JsonElement>("/api/scoring/drift");

        var sentiment = drift.GetProperty("sentiment");
        sentiment.GetProperty("recentCount").GetInt64().ShouldBeGreaterThanOrEqualTo(1);
        sentiment.GetProperty("training").GetProperty("negative").GetDouble().ShouldBeInRange(0.05, 0.95);
        sentiment.GetProperty("divergence").GetDouble().ShouldBeInRange(0, 1);
        drift.GetProperty("topic").GetProperty("training").EnumerateObject().Select(p => p.Name).ShouldContain("logistics");
        drift.GetProperty("threshold").GetDouble().ShouldBe(0.1);
        // Fewer mentions than Scoring:DriftMinimumMentions are reported, never flagged.
        drift.GetProperty("flagged").GetBoolean().ShouldBeFalse();
        (drift.GetProperty("to").GetDateTimeOffset() - drift.GetProperty("from").GetDateTimeOffset()).ShouldBe(TimeSpan.FromDays(7));
    }
}

/// <summary>
/// The corrections leave the state store through <c>export-corrections</c> (the file training and evaluation read,
/// decision 161), with the same text the index holds and the labels analysts gave.
/// </summary>
public sealed class CorrectionsExportVerbTests : IDisposable
{
    private readonly ServiceFactory _service = new();
    private readonly string _export = Path.Combine(Path.GetTempPath(), $"sw-corrections-{Guid.NewGuid():N}.jsonl");

    public void Dispose()
    {
        _service.Dispose();
        File.Delete(_export);
    }

    [Fact]
    public async Task ExportCorrections_WritesEachCorrectedMentionOnce_AndEvaluateReportsOnThem()
    {
        var admin = _service.ClientWithKey(ServiceFactory.AdminKey);
        var token = Guid.NewGuid().ToString("N")[..10];
        var receipt = await (await admin.PostAsJsonAsync("/api/intake/mentions", new[]
        {
            new { source = "app-feedback", externalId = "ex-" + token, text = $"绿莫外卖送错了地址，骑手还骂人 {token}", publishedAt = DateTimeOffset.UtcNow.AddMinutes(-3) },
        })).Content.ReadFromJsonAsync<JsonElement>();
        var id = receipt.GetProperty("ids")[0].GetString()!;
        await ServiceFactory.WaitForProcessedAsync(admin, 1);
        (await admin.PostAsJsonAsync($"/api/mentions/{id}/labels", new { sentiment = "positive" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PostAsJsonAsync($"/api/mentions/{id}/labels", new { topic = "service_attitude" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var exit = await SentimentWatch.Cli.CommandLine.Create()
            .Parse(["export-corrections", "--output", _export, $"--Storage:DataDirectory={_service.DataDirectory}", "--Index:Directory=" + Path.Combine(_service.DataDirectory, "export-index")])
            .InvokeAsync();

        exit.ShouldBe(0);
        var (corrections, sha) = SentimentWatch.Scoring.Corrections.CorrectionsExport.Read(_export);
        var corrected = corrections.ShouldHaveSingleItem();
        corrected.MentionId.ShouldBe(id);
        corrected.Sentiment.ShouldBe("positive");
        corrected.Topic.ShouldBe("service_attitude");
        corrected.Text.ShouldContain(token);
        corrected.Source.ShouldBe("app-feedback", "the export names the mention's source, so fit-genre --source can fit a care genre on it (decision 216)");
        corrected.ModelSentiment.ShouldNotBeNull();
        sha.Length.ShouldBe(64);

        var report = SentimentWatch.Scoring.Cli.CorrectionsCommands.Report(Path.Combine(AppContext.BaseDirectory, "models"), _export);
        report.ShouldContain("biased toward the model's mistakes");
        report.ShouldContain("| all | 1 |");
    }
}
