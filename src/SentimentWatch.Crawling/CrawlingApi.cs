using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using SentimentWatch.Core.Crawling;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Crawling;

public static class CrawlingApi
{
    /// <summary><c>GET /api/sources</c> and <c>GET /api/sources/{id}</c>: per-source crawl health; and the admin API of <see cref="SourcesAdminApi"/>.</summary>
    public static IEndpointRouteBuilder MapCrawlingApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/sources").RequireAuthorization(ApiPolicies.AnyRole).WithTags("Crawling");
        group.MapGet("/", ListAsync).WithName("ListSourceHealth");
        group.MapGet("/{id}", GetAsync).WithName("GetSourceHealth");
        app.MapSourcesAdminApi();
        return app;
    }

    private static async Task<Ok<IReadOnlyList<SourceHealth>>> ListAsync(ISourceHealthReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.ListAsync(cancellationToken));

    private static async Task<Results<Ok<SourceHealth>, ProblemHttpResult>> GetAsync(string id, ISourceHealthReader reader, CancellationToken cancellationToken)
    {
        var health = (await reader.ListAsync(cancellationToken)).FirstOrDefault(h => string.Equals(h.SourceId, id, StringComparison.OrdinalIgnoreCase));
        return health is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown source", detail: $"No source with id '{id}' is configured, managed over the API or has crawl history (parameter 'id').")
            : TypedResults.Ok(health);
    }
}
