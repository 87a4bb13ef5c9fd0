using Microsoft.Extensions.Options;

namespace SentimentWatch.Web;

/// <summary>The web console: sessions, sign-in rules, refresh rates and optional single sign-on (section <c>Console</c>).</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Console";

    /// <summary>User name of the admin created on first run when no console user exists.</summary>
    public string FirstAdminUserName { get; set; } = "admin";

    /// <summary>How long a session lasts without activity (sliding).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Wrong passwords in a row before the account is locked.</summary>
    public int LockoutAttempts { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    public int PasswordMinimumLength { get; set; } = 12;

    /// <summary>How often the overview and the alert desk fetch fresh numbers.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    public ConsoleOpenIdConnectOptions OpenIdConnect { get; set; } = new();

    /// <summary>Encrypts the cookie keys in the data directory at rest (decision 239); unset, they are kept readable by the service's user only.</summary>
    public Identity.ConsoleKeyCertificateOptions KeyCertificate { get; set; } = new();
}

/// <summary>
/// Single sign-on through an OpenID Connect provider; off unless <see cref="Authority"/> is set.
/// People signing in this way get a console account named after their provider's user name, with
/// the roles the provider gives them in <see cref="RoleClaim"/> (only admin, analyst, pr, support count).
/// </summary>
public sealed class ConsoleOpenIdConnectOptions
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }

    /// <summary>What the sign-in button says.</summary>
    public string DisplayName { get; set; } = "Single sign-on";

    public string RoleClaim { get; set; } = "roles";

    public string UserNameClaim { get; set; } = "preferred_username";

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}

public sealed class ConsoleOptionsValidator : IValidateOptions<ConsoleOptions>
{
    public ValidateOptionsResult Validate(string? name, ConsoleOptions options)
    {
        var failures = new List<string>();
        var prefix = ConsoleOptions.SectionName;
        if (string.IsNullOrWhiteSpace(options.FirstAdminUserName) || options.FirstAdminUserName.Any(char.IsWhiteSpace))
        {
            failures.Add($"{prefix}:FirstAdminUserName must be a user name without spaces (was '{options.FirstAdminUserName}')");
        }

        if (options.SessionIdleTimeout < TimeSpan.FromMinutes(5) || options.SessionIdleTimeout > TimeSpan.FromDays(30))
        {
            failures.Add($"{prefix}:SessionIdleTimeout must be between 00:05:00 and 30.00:00:00 (was {options.SessionIdleTimeout})");
        }

        if (options.LockoutAttempts is < 3 or > 20)
        {
            failures.Add($"{prefix}:LockoutAttempts must be between 3 and 20 (was {options.LockoutAttempts})");
        }

        if (options.LockoutDuration < TimeSpan.FromMinutes(1) || options.LockoutDuration > TimeSpan.FromDays(1))
        {
            failures.Add($"{prefix}:LockoutDuration must be between 00:01:00 and 1.00:00:00 (was {options.LockoutDuration})");
        }

        if (options.PasswordMinimumLength is < 8 or > 128)
        {
            failures.Add($"{prefix}:PasswordMinimumLength must be between 8 and 128 (was {options.PasswordMinimumLength})");
        }

        if (options.RefreshInterval < TimeSpan.FromSeconds(2) || options.RefreshInterval > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{prefix}:RefreshInterval must be between 00:00:02 and 00:10:00 (was {options.RefreshInterval})");
        }

        var oidc = options.OpenIdConnect;
        if (oidc.Enabled)
        {
            if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                failures.Add($"{prefix}:OpenIdConnect:Authority must be an absolute http(s) URL (was '{oidc.Authority}')");
            }

            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                failures.Add($"{prefix}:OpenIdConnect:ClientId is required when OpenIdConnect:Authority is set");
            }

            if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
            {
                failures.Add($"{prefix}:OpenIdConnect:RoleClaim must name the claim that carries roles");
            }
        }

        if (!options.KeyCertificate.Configured && options.KeyCertificate.Previous is { Configured: true })
        {
            failures.Add($"{prefix}:KeyCertificate:Previous:Path is set but {prefix}:KeyCertificate:Path is not: keys are only read with the previous "
                + "certificate while a current one encrypts new keys; set both, or neither (every session then ends)");
        }

        if (options.KeyCertificate.Configured)
        {
            if (Identity.ConsoleKeys.Load(options.KeyCertificate, out var certificate) is { } problem)
            {
                failures.Add(problem);
            }

            certificate?.Dispose();
            if (options.KeyCertificate.Previous is { Configured: true } previous)
            {
                if (Identity.ConsoleKeys.Load(previous, out var retired, "Previous:") is { } retiredProblem)
                {
                    failures.Add(retiredProblem);
                }

                retired?.Dispose();
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
