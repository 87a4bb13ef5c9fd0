using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Security;
using SentimentWatch.Pipeline;
using SentimentWatch.Storage.Mentions;

using SentimentWatch.Hosting;

namespace SentimentWatch.Api;

/// <summary>
/// The door for channels that are not crawled (app feedback, an e-mail gateway, a call-centre
/// export), and the operator's view of mentions the pipeline parked.
/// </summary>
public static class IntakeApi
{
    public const long MaxBodyBytes = 8 * 1024 * 1024;
    public const int MaxMentionsPerRequest = 1_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowTrailingCommas = true, MaxDepth = 16 };

    /// <summary>The publish-time window intake and queries share (<c>Mentions</c> section), checked at start.</summary>
    public static IHostApplicationBuilder AddIntake(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MentionDateOptions>()
            .BindConfiguration(MentionDateOptions.SectionName)
            .Validate(o => o.FutureSkew >= TimeSpan.Zero && o.FutureSkew <= TimeSpan.FromDays(30), "Mentions:FutureSkew must be from 00:00:00 to 30.00:00:00")
            .ValidateOnStart();
        return builder;
    }

    public static IEndpointRouteBuilder MapIntakeApi(this IEndpointRouteBuilder app)
    {
        var intake = app.MapGroup("/api/intake").RequireAuthorization(ApiPolicies.Intake).WithTags("Intake");
        intake.MapPost("/mentions", AcceptMentionsAsync).Accepts<IncomingMention[]>("application/json").AddEndpointFilter<IntakeBackPressure>();

        var pipeline = app.MapGroup("/api/pipeline").RequireAuthorization(ApiPolicies.Admin).WithTags("Pipeline");
        pipeline.MapGet("/parked", ListParkedAsync);
        pipeline.MapPost("/parked/{id}/requeue", RequeueAsync);
        return app;
    }

    public sealed record AcceptedMentions(IReadOnlyList<string> Ids, int Accepted, int AlreadyKnown);

    internal static async Task<Results<Accepted<AcceptedMentions>, ValidationProblem, ProblemHttpResult>> AcceptMentionsAsync(
        HttpContext context, IMentionIntake intake, TimeProvider clock, IOptions<MentionDateOptions> dates, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported media type",
                detail: "Send the mentions as a JSON array with Content-Type: application/json.");
        }

        List<IncomingMention?>? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<List<IncomingMention?>>(request.Body, Json, cancellationToken);
        }
        catch (JsonException ex)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>
                {
                    [BadRequestProblems.JsonField(ex)] = [BadRequestProblems.JsonMessage(ex, typeof(IncomingMention), "The body must be a JSON array of mention objects: [{\"source\": …, \"text\": …, \"publishedAt\": …}].")],
                },
                title: "The request body is not valid");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        if (body is null || body.Count == 0)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["$"] = ["Send a non-empty JSON array of mentions."] },
                title: "The request body is not valid");
        }

        if (body.Count > MaxMentionsPerRequest)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["$"] = [$"At most {MaxMentionsPerRequest} mentions per request (got {body.Count}); split the batch."] },
                title: "The request body is not valid");
        }

        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < body.Count; i++)
        {
            if (body[i] is not { } item)
            {
                errors[$"[{i}]"] = ["Each item must be a mention object, not null."];
                continue;
            }

            foreach (var (field, messages) in item.Validate(now, dates.Value, $"[{i}]."))
            {
                errors[field] = messages;
            }
        }

        if (errors.Count > 0)
        {
            // All or nothing: a caller fixing its batch must not wonder which half went in.
            return TypedResults.ValidationProblem(errors, title: "Some mentions are not valid; none were accepted");
        }

        var receipt = await intake.AcceptAsync(body.Select(m => m!.ToMention(now)).ToList(), cancellationToken);
        return TypedResults.Accepted((string?)null, new AcceptedMentions(receipt.Ids, receipt.Accepted, receipt.AlreadyKnown));
    }

    private static ProblemHttpResult TooLarge() => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large",
        detail: $"The body may be at most {MaxBodyBytes / (1024 * 1024)} MiB; split the batch.");

    private static async Task<Results<Ok<IReadOnlyList<ParkedMention>>, ValidationProblem>> ListParkedAsync(MentionLedger ledger, string? limit, CancellationToken cancellationToken)
    {
        // Read as text so "limit=abc" is a problem naming the parameter, not the binder's bare 400.
        var count = 100;
        if (!string.IsNullOrWhiteSpace(limit) && !(int.TryParse(limit, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out count) && count is >= 1 and <= 1_000))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["limit"] = [$"'{limit}' is not a whole number from 1 to 1000."] },
                title: "Some parameters are not valid.");
        }

        return TypedResults.Ok(await ledger.ListParkedAsync(count, cancellationToken));
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> RequeueAsync(string id, MentionLedger ledger, CancellationToken cancellationToken) =>
        await ledger.RequeueAsync(id, cancellationToken)
            ? TypedResults.Accepted((string?)null)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No parked mention with that id", detail: $"Mention '{id}' is not parked.");
}
