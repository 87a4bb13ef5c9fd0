using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;

namespace SentimentWatch.Web.Pages.Ops;

/// <summary>The HTTP API at a glance for admins: every endpoint with its methods and who may call it, from the same endpoint metadata the OpenAPI document is built from.</summary>
public sealed class ApiModel(EndpointDataSource endpoints) : PageModel
{
    public IReadOnlyList<(string Methods, string Route, string Policy, string Tag)> Operations { get; private set; } = [];

    public void OnGet()
    {
        Operations = [.. endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("api", StringComparison.Ordinal) || raw == "/health"))
            .Select(e => (
                Methods: string.Join(", ", e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]),
                Route: "/" + e.RoutePattern.RawText!.TrimStart('/'),
                Policy: string.Join(", ", e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy ?? a.Roles ?? "signed in").Distinct()),
                Tag: e.Metadata.GetMetadata<ITagsMetadata>()?.Tags.FirstOrDefault() ?? ""))
            .OrderBy(o => o.Route, StringComparer.Ordinal).ThenBy(o => o.Methods, StringComparer.Ordinal)];
    }
}
