using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Security;
using SentimentWatch.Storage;

namespace SentimentWatch.Web.Identity;

/// <summary>
/// Makes sure the roles exist and, when nobody can sign in yet, creates the first admin with a
/// generated password kept in the data directory (owner-readable only), like the generated API
/// key: a fresh install is never open, and no password is committed or printed to the log.
/// The password is written before the account is created, so a crash in between leaves a
/// file that the next start uses, never an account whose password nobody knows.
/// </summary>
public sealed class FirstAdmin(IServiceScopeFactory scopes, IOptions<StorageOptions> storage, IOptions<ConsoleOptions> options, ILogger<FirstAdmin> logger) : IHostedService
{
    public const string PasswordFileName = "console-admin-password.txt";

    public string PasswordPath => Path.Combine(storage.Value.ResolveDataDirectory(), PasswordFileName);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in ApiRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role '{role}'");
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        if (users.Users.Any())
        {
            return;
        }

        var name = options.Value.FirstAdminUserName;
        var password = LoadOrCreatePassword(PasswordPath);
        var admin = new ConsoleUser { UserName = name, MustChangePassword = true, CreatedAt = DateTimeOffset.UtcNow, LockoutEnabled = true };
        Check(await users.CreateAsync(admin, password), $"create the first admin '{name}'");
        Check(await users.AddToRoleAsync(admin, ApiRoles.Admin), $"give '{name}' the admin role");
        logger.LogWarning(
            "No console user existed: created the first admin account '{UserName}'; its password is in {PasswordPath} and must be changed at the first sign-in",
            name, PasswordPath);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Once the first admin chose a password, the generated one is useless and goes.</summary>
    public void ForgetGeneratedPassword()
    {
        if (File.Exists(PasswordPath))
        {
            File.Delete(PasswordPath);
            logger.LogInformation("The first admin changed the generated password; removed {PasswordPath}", PasswordPath);
        }
    }

    public static string GeneratePassword() =>
        // 18 random bytes, URL-safe: 24 characters, more than any password rule asks.
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');

    private static string LoadOrCreatePassword(string path)
    {
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: >= 12 } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var password = GeneratePassword();
        var temp = path + ".tmp";
        File.WriteAllText(temp, password + Environment.NewLine);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
        return password;
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }
}
