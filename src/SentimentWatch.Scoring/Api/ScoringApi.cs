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

    public static async Task<Results<Ok<MentionLabels>, ValidationProblem, ProblemHttpResult>> CorrectAsync(
        string id, LabelCorrectionRequest? body, IMentionLabels labels, HttpContext http, CancellationToken cancellationToken)
    {
        var outcome = await labels.CorrectAsync(id, body?.Sentiment, body?.Topic, body?.Note, http.User.Identity?.Name ?? "unknown", cancellationToken);
        if (outcome.UnknownMention)
        {
            return NotFound(id);
        }

        return outcome.Labels is { } corrected
            ? TypedResults.Ok(corrected)
            : TypedResults.ValidationProblem(outcome.Errors, title: "The label correction is not valid.");
    }

    public static async Task<Results<Ok<MentionLabels>, ProblemHttpResult>> HistoryAsync(string id, IMentionLabels labels, CancellationToken cancellationToken) =>
        await labels.GetAsync(id, cancellationToken) is { } view ? TypedResults.Ok(view) : NotFound(id);

    public static async Task<Ok<DriftReport>> DriftAsync(LabelDrift drift, CancellationToken cancellationToken) =>
        TypedResults.Ok(await drift.MeasureAsync(cancellationToken));

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown mention.", detail: $"No mention with id '{id}' is in the index.");
}
