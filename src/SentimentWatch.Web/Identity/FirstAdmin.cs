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
            if (File.Exists(PasswordPath) && await GeneratedPasswordAccountAsync(users) is null)
            {
                // Left behind (the first admin's password was set another way, or the account renamed): it opens nothing.
                ForgetGeneratedPassword("The generated password no longer opens the first admin's account");
            }

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

    /// <summary>
    /// The account the sign-in page tells a newcomer to use with the generated password: named only while the password in
    /// the file still opens the first admin's account. Once anyone set another password (its owner, an admin's reset,
    /// a renamed <see cref="ConsoleOptions.FirstAdminUserName"/>), the hint would send people to a password that fails,
    /// and a failing guess counts towards the lock-out. The password itself is never shown, only where it is.
    /// </summary>
    /// <remarks>
    /// Checking the password costs a key derivation (PBKDF2), so the answer is kept until the account's password hash or
    /// the file changes: an anonymous visitor reloading the sign-in page costs one lookup, not one derivation each.
    /// </remarks>
    public async Task<string?> GeneratedPasswordAccountAsync(UserManager<ConsoleUser> users)
    {
        var file = new FileInfo(PasswordPath);
        if (!file.Exists)
        {
            return null;
        }

        var name = options.Value.FirstAdminUserName;
        if (await users.FindByNameAsync(name) is not { PasswordHash: { } hash } admin)
        {
            return null;
        }

        var known = _generatedPasswordCheck;
        if (known is null || known.PasswordHash != hash || known.FileWrittenAt != file.LastWriteTimeUtc)
        {
            string generated;
            try
            {
                generated = (await File.ReadAllTextAsync(file.FullName)).Trim();
            }
            catch (IOException)
            {
                // Deleted between the two looks: the password was just changed.
                return null;
            }

            known = new GeneratedPasswordCheck(hash, file.LastWriteTimeUtc, generated.Length > 0 && await users.CheckPasswordAsync(admin, generated));
            _generatedPasswordCheck = known;
        }

        return known.Opens ? name : null;
    }

    /// <summary>Whether <paramref name="user"/> is the account the generated password was made for.</summary>
    public bool IsFirstAdmin(ConsoleUser user) => string.Equals(user.UserName, options.Value.FirstAdminUserName, StringComparison.Ordinal);

    private GeneratedPasswordCheck? _generatedPasswordCheck;

    private sealed record GeneratedPasswordCheck(string PasswordHash, DateTime FileWrittenAt, bool Opens);

    /// <summary>Once the first admin's password is another one (chosen, or reset by an admin), the generated one is useless and goes.</summary>
    public void ForgetGeneratedPassword(string why = "The first admin changed the generated password")
    {
        if (File.Exists(PasswordPath))
        {
            File.Delete(PasswordPath);
            logger.LogInformation("{Reason}; removed {PasswordPath}", why, PasswordPath);
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
