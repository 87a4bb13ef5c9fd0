using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Core.Security;
using SentimentWatch.Scoring.Corrections;
using SentimentWatch.Scoring.Drift;
using SentimentWatch.Scoring.Serving;

namespace SentimentWatch.Scoring.Api;

/// <summary>The body of <c>POST /api/mentions/{id}/labels</c>: the correct sentiment and/or topic, and an optional note.</summary>
public sealed record LabelCorrectionRequest(string? Sentiment, string? Topic, string? Note);

/// <summary>A mention's labels now (corrected where analysts corrected them), what the model said, and every correction.</summary>
public sealed record MentionLabelsView(
    string MentionId,
    string? Sentiment,
    string? Topic,
    string? ModelSentiment,
    string? ModelTopic,
    IReadOnlyList<string> Topics,
    IReadOnlyList<LabelChangeView> History);

/// <summary>One correction as the audit trail shows it: who, when, old → new.</summary>
public sealed record LabelChangeView(DateTimeOffset At, string By, string? OldSentiment, string? NewSentiment, string? OldTopic, string? NewTopic, string? Note, string? ModelVersion);

/// <summary>Analysts correct labels (decision 160) and watch for drift (decision 162). Analysts and admins only.</summary>
public static class ScoringApi
{
    public static IEndpointRouteBuilder MapScoringApi(this IEndpointRouteBuilder app)
    {
        var labels = app.MapGroup("/api/mentions/{id}/labels").RequireAuthorization(ApiPolicies.Analyst).WithTags("Labels");
        labels.MapPost("/", CorrectAsync).WithName("CorrectMentionLabels");
        labels.MapGet("/", HistoryAsync).WithName("MentionLabelHistory");

        app.MapGet("/api/scoring/drift", DriftAsync).RequireAuthorization(ApiPolicies.Analyst).WithTags("Scoring").WithName("LabelDrift");
        return app;
    }

    public static async Task<Results<Ok<MentionLabelsView>, ValidationProblem, ProblemHttpResult>> CorrectAsync(
        string id, LabelCorrectionRequest? body, IMentionIndex index, ModelScorer scorer, LabelCorrections corrections, HttpContext http, CancellationToken cancellationToken)
    {
        var mention = await index.GetAsync(id, cancellationToken);
        if (mention is null)
        {
            return NotFound(id);
        }

        var topics = TopicsOf(scorer, mention);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        SentimentLabel? sentiment = null;
        if (body is null || (body.Sentiment is null && body.Topic is null))
        {
            errors["sentiment"] = ["Give the correct sentiment, topic or both."];
            errors["topic"] = ["Give the correct sentiment, topic or both."];
        }
        else
        {
            if (body.Sentiment is not null)
            {
                if (SentimentScore.TryParse(body.Sentiment, out var parsed))
                {
                    sentiment = parsed;
                }
                else
                {
                    errors["sentiment"] = [$"'{body.Sentiment}' is not a sentiment: use negative, neutral or positive."];
                }
            }

            if (body.Topic is not null && !topics.Contains(body.Topic.Trim(), StringComparer.Ordinal))
            {
                errors["topic"] = [$"'{body.Topic}' is not a category of this mention's taxonomy: use one of {string.Join(", ", topics)}."];
            }

            if (body.Note is { Length: > LabelCorrections.MaxNoteLength })
            {
                errors["note"] = [$"The note is {body.Note.Length} characters; at most {LabelCorrections.MaxNoteLength}."];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The label correction is not valid.");
        }

        var by = http.User.Identity?.Name ?? "unknown";
        var corrected = await corrections.CorrectAsync(mention, sentiment, body!.Topic?.Trim(), body.Note, by, cancellationToken);
        return TypedResults.Ok(View(corrected, topics, await corrections.HistoryAsync(id, cancellationToken)));
    }

    public static async Task<Results<Ok<MentionLabelsView>, ProblemHttpResult>> HistoryAsync(
        string id, IMentionIndex index, ModelScorer scorer, LabelCorrections corrections, CancellationToken cancellationToken)
    {
        var mention = await index.GetAsync(id, cancellationToken);
        return mention is null
            ? NotFound(id)
            : TypedResults.Ok(View(mention, TopicsOf(scorer, mention), await corrections.HistoryAsync(id, cancellationToken)));
    }

    public static async Task<Ok<DriftReport>> DriftAsync(LabelDrift drift, CancellationToken cancellationToken) =>
        TypedResults.Ok(await drift.MeasureAsync(cancellationToken));

    /// <summary>The categories a mention may be labelled with: its first watch's own taxonomy (decision 126), else the default model's.</summary>
    public static IReadOnlyList<string> TopicsOf(ModelScorer scorer, Mention mention)
    {
        foreach (var watch in mention.Watches)
        {
            if (scorer.WatchModels.TryGetValue(watch, out var model))
            {
                return model.Topic.Topics;
            }
        }

        return scorer.Topic.Topics;
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown mention.", detail: $"No mention with id '{id}' is in the index.");

    private static MentionLabelsView View(Mention mention, IReadOnlyList<string> topics, IReadOnlyList<LabelCorrectionRecord> history) => new(
        mention.Id,
        mention.LabelledSentiment is { } s ? SentimentScore.ToWire(s) : null,
        mention.LabelledTopic,
        mention.Sentiment is { } m ? SentimentScore.ToWire(m.Label) : null,
        mention.Topic?.Topic,
        topics,
        [.. history.Select(h => new LabelChangeView(h.At, h.By, h.OldSentiment, h.NewSentiment, h.OldTopic, h.NewTopic, h.Note, h.ModelVersion))]);
}
