using Microsoft.Extensions.Options;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Security;

/// <summary>
/// API keys and their roles, from configuration <c>Auth:ApiKeys</c> (environment:
/// <c>Auth__ApiKeys__0__Key</c>, <c>Auth__ApiKeys__0__Role</c>). Never from the repository.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Auth";

    /// <summary>Shorter keys are refused: they can be guessed.</summary>
    public const int MinimumKeyLength = 16;

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];
}

public sealed class ApiKeyEntry
{
    public string? Key { get; set; }

    public string? Role { get; set; }

    /// <summary>Who holds the key, for the logs (the key itself is never logged).</summary>
    public string? Name { get; set; }
}

public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var entry = options.ApiKeys[i];
            var path = $"{ApiKeyOptions.SectionName}:ApiKeys:{i}";
            if (string.IsNullOrWhiteSpace(entry.Key) || entry.Key.Trim().Length < ApiKeyOptions.MinimumKeyLength)
            {
                failures.Add($"{path}:Key must be at least {ApiKeyOptions.MinimumKeyLength} characters");
            }
            else if (!seen.Add(entry.Key.Trim()))
            {
                failures.Add($"{path}:Key repeats an earlier key; each key has one role");
            }

            if (string.IsNullOrWhiteSpace(entry.Role) || !ApiRoles.All.Contains(entry.Role.Trim().ToLowerInvariant()))
            {
                failures.Add($"{path}:Role must be one of {string.Join(", ", ApiRoles.All)} (was '{entry.Role}')");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
