namespace SentimentWatch.Core.Security;

/// <summary>The roles an API key can carry (configuration <c>Auth:ApiKeys</c>).</summary>
public static class ApiRoles
{
    public const string Admin = "admin";
    public const string Analyst = "analyst";
    public const string Support = "support";
    public const string Pr = "pr";

    public static readonly IReadOnlyList<string> All = [Admin, Analyst, Support, Pr];
}

/// <summary>
/// Authorization policy names the HTTP API uses; each admits its role and <c>admin</c>.
/// Capabilities put these on their endpoints with <c>RequireAuthorization(ApiPolicies.X)</c>.
/// </summary>
public static class ApiPolicies
{
    /// <summary>Any valid key.</summary>
    public const string AnyRole = "any-role";

    public const string Admin = "role-admin";
    public const string Analyst = "role-analyst";
    public const string Support = "role-support";
    public const string Pr = "role-pr";

    /// <summary>Feeding mentions in through the intake API: admin only by default.</summary>
    public const string Intake = "intake";

    /// <summary>
    /// The roles each policy admits; an empty list admits any authenticated caller. The host
    /// registers exactly these, and so do the capability test hosts, so a test of an endpoint's
    /// access rules tests the real rules.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> AdmittedRoles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [AnyRole] = [],
        [Admin] = [ApiRoles.Admin],
        [Analyst] = [ApiRoles.Admin, ApiRoles.Analyst],
        [Support] = [ApiRoles.Admin, ApiRoles.Support],
        [Pr] = [ApiRoles.Admin, ApiRoles.Pr],
        [Intake] = [ApiRoles.Admin],
    };
}
