using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using SentimentWatch.Storage;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Tests.Identity;

/// <summary>
/// The sign-in page's first-run hint names the account the generated password opens, and only while it opens it: a
/// hint that outlived the password (reset by another admin, a renamed first admin) sent newcomers to a password that
/// failed and counted towards the lock-out. Real Identity on a SQLite file; no browser.
/// </summary>
public sealed class FirstAdminTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sw-first-admin-" + Guid.NewGuid().ToString("N")[..12]);
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _services = Services("admin");
        await using var scope = _services.CreateAsyncScope();
        foreach (var schema in scope.ServiceProvider.GetServices<IStateSchema>())
        {
            await schema.MigrateAsync(default);
        }

        await _services.GetRequiredService<FirstAdmin>().StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task A_fresh_install_names_the_first_admin_while_the_generated_password_opens_it()
    {
        var firstAdmin = _services.GetRequiredService<FirstAdmin>();
        File.Exists(firstAdmin.PasswordPath).ShouldBeTrue();
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        (await firstAdmin.GeneratedPasswordAccountAsync(users)).ShouldBe("admin");
        (await firstAdmin.GeneratedPasswordAccountAsync(users)).ShouldBe("admin", "asked again, the remembered answer");
    }

    [Fact]
    public async Task Another_admin_resetting_the_first_admins_password_ends_the_hint_even_with_the_file_left_behind()
    {
        var firstAdmin = _services.GetRequiredService<FirstAdmin>();
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        (await firstAdmin.GeneratedPasswordAccountAsync(users)).ShouldBe("admin");

        // What the users page does on "reset password" (it also removes the file; here the file stays, as after an older build).
        var admin = (await users.FindByNameAsync("admin")).ShouldNotBeNull();
        (await users.RemovePasswordAsync(admin)).Succeeded.ShouldBeTrue();
        (await users.AddPasswordAsync(admin, FirstAdmin.GeneratePassword())).Succeeded.ShouldBeTrue();

        File.Exists(firstAdmin.PasswordPath).ShouldBeTrue();
        (await firstAdmin.GeneratedPasswordAccountAsync(users)).ShouldBeNull("the file's password no longer opens the account");
    }

    [Fact]
    public async Task The_first_admin_choosing_a_password_ends_the_hint_and_the_file()
    {
        var firstAdmin = _services.GetRequiredService<FirstAdmin>();
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        var admin = (await users.FindByNameAsync("admin")).ShouldNotBeNull();
        var generated = (await File.ReadAllTextAsync(firstAdmin.PasswordPath)).Trim();
        (await users.ChangePasswordAsync(admin, generated, "the first admin's own passphrase")).Succeeded.ShouldBeTrue();
        (await firstAdmin.GeneratedPasswordAccountAsync(users)).ShouldBeNull();

        // A file a crash left behind goes at the next start: it opens nothing.
        await firstAdmin.StartAsync(default);
        File.Exists(firstAdmin.PasswordPath).ShouldBeFalse();
    }

    [Fact]
    public async Task A_renamed_first_admin_setting_names_no_account_that_does_not_exist()
    {
        await using var renamed = Services("root");
        await using var scope = renamed.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        File.Exists(renamed.GetRequiredService<FirstAdmin>().PasswordPath).ShouldBeTrue();
        (await renamed.GetRequiredService<FirstAdmin>().GeneratedPasswordAccountAsync(users)).ShouldBeNull();
    }

    [Fact]
    public async Task A_password_file_that_does_not_open_the_account_names_nobody()
    {
        var firstAdmin = _services.GetRequiredService<FirstAdmin>();
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ConsoleUser>>();
        await File.WriteAllTextAsync(firstAdmin.PasswordPath, FirstAdmin.GeneratePassword() + Environment.NewLine);
        (await firstAdmin.GeneratedPasswordAccountAsync(users)).ShouldBeNull("a file written after the account opens nothing");
    }

    /// <summary>What the console registers for its people (Identity on the state store), with the first admin called <paramref name="firstAdminName"/>.</summary>
    private ServiceProvider Services(string firstAdminName)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<StorageOptions>(o => o.DataDirectory = _data);
        services.Configure<ConsoleOptions>(o => o.FirstAdminUserName = firstAdminName);
        services.AddStateDbContext<ConsoleIdentityDbContext>();
        services.AddIdentityCore<ConsoleUser>(o =>
            {
                // As the console sets them (ConsoleRegistration): length over composition.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ConsoleIdentityDbContext>();
        services.AddSingleton<FirstAdmin>();
        return services.BuildServiceProvider();
    }
}
