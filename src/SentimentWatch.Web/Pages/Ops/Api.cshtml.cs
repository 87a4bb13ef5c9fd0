using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Web.Pages.Ops;

/// <summary>The HTTP API at a glance for admins: every endpoint with its methods and who may call it, from the same endpoint metadata the OpenAPI document is built from.</summary>
public sealed class ApiModel(EndpointDataSource endpoints) : PageModel
{
    /// <summary>An endpoint; <paramref name="Roles"/> are the roles that may call it (each policy's admitted roles, as
    /// the host registers them), empty when any signed-in caller may, null when anyone may.</summary>
    public sealed record Operation(string Methods, string Route, IReadOnlyList<string>? Roles, string Tag);

    public IReadOnlyList<Operation> Operations { get; private set; } = [];

    public void OnGet()
    {
        Operations = [.. endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api", StringComparison.Ordinal) || raw.StartsWith("api", StringComparison.Ordinal) || raw == "/health"))
            .Select(e => new Operation(
                string.Join(", ", e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]),
                "/" + e.RoutePattern.RawText!.TrimStart('/'),
                Roles(e.Metadata.GetOrderedMetadata<IAuthorizeData>()),
                e.Metadata.GetMetadata<ITagsMetadata>()?.Tags.FirstOrDefault() ?? ""))
            .OrderBy(o => o.Route, StringComparer.Ordinal).ThenBy(o => o.Methods, StringComparer.Ordinal)];
    }

    /// <summary>The roles every one of the endpoint's requirements admits (a caller must meet them all).</summary>
    private static IReadOnlyList<string>? Roles(IReadOnlyList<IAuthorizeData> requirements)
    {
        if (requirements.Count == 0)
        {
            return null;
        }

        IEnumerable<string>? admitted = null;
        foreach (var requirement in requirements)
        {
            IReadOnlyList<string> roles = requirement.Policy is { } policy
                ? ApiPolicies.AdmittedRoles.GetValueOrDefault(policy) ?? [policy]
                : requirement.Roles?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
            if (roles.Count > 0)
            {
                admitted = admitted is null ? roles : admitted.Intersect(roles, StringComparer.Ordinal);
            }
        }

        return admitted is null ? [] : [.. admitted.OrderBy(r => ApiRoles.All.Contains(r) ? ApiRoles.All.ToList().IndexOf(r) : int.MaxValue)];
    }
}
