using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases;
using SentimentWatch.Core.Security;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Pages.Ops;

/// <summary>
/// People and machines: console users with their role, lock state and last sign-in (create,
/// change role, reset password, lock, unlock), and the configured API keys by name and role
/// (never the key). Every change is logged with the admin's user name.
/// </summary>
public sealed class UsersModel(
    UserManager<ConsoleUser> users,
    FirstAdmin firstAdmin,
    IConfiguration configuration,
    IOptions<CasesOptions> cases,
    TimeProvider clock,
    IStringLocalizer<ConsoleText> t,
    ILogger<UsersModel> logger) : PageModel
{
    public IReadOnlyList<(ConsoleUser User, string? Role, bool Locked)> People { get; private set; } = [];

    public IReadOnlyList<(string Name, string Role)> ApiKeys { get; private set; } = [];

    /// <summary>
    /// Case agents (<c>Cases:Agents</c>) that no console user or API key acts as: cases are assigned to them by id, and
    /// nobody sees those cases under "my cases" until someone signs in under that user name.
    /// </summary>
    public IReadOnlyList<(string Id, string? Name)> AgentsWithoutAccount { get; private set; } = [];

    /// <summary>A password an admin just set, shown once so they can hand it over; its owner must change it.</summary>
    public (string UserName, string Password)? Handover { get; private set; }

    public List<string> Errors { get; } = [];

    public string? Notice { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostCreateAsync(string? userName, string? role)
    {
        var name = userName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Any(char.IsWhiteSpace) || name.Length > 64)
        {
            Errors.Add(t["A user name is 1 to 64 characters without spaces."]);
        }

        if (role is null || !ApiRoles.All.Contains(role))
        {
            Errors.Add(t["Choose a role."]);
        }

        if (Errors.Count == 0)
        {
            var password = FirstAdmin.GeneratePassword();
            var user = new ConsoleUser { UserName = name, MustChangePassword = true, CreatedAt = clock.GetUtcNow(), LockoutEnabled = true };
            var created = await users.CreateAsync(user, password);
            if (created.Succeeded)
            {
                await users.AddToRoleAsync(user, role!);
                logger.LogInformation("{Admin} created console user {UserName} with role {Role}", User.Identity?.Name, name, role);
                Handover = (name!, password);
            }
            else
            {
                Errors.AddRange(created.Errors.Select(e => e.Code == "DuplicateUserName" ? t["The user name {0} is taken.", name!].Value : e.Description));
            }
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRoleAsync(string id, string? role) => await ChangeAsync(id, async user =>
    {
        if (role is null || !ApiRoles.All.Contains(role))
        {
            Errors.Add(t["Choose a role."]);
            return;
        }

        if (IsMe(user) && role != ApiRoles.Admin)
        {
            Errors.Add(t["You cannot take the admin role from yourself."]);
            return;
        }

        await users.RemoveFromRolesAsync(user, await users.GetRolesAsync(user));
        await users.AddToRoleAsync(user, role);
        await users.UpdateSecurityStampAsync(user);
        logger.LogInformation("{Admin} gave console user {UserName} the role {Role}", User.Identity?.Name, user.UserName, role);
        Notice = t["{0} is now {1}.", user.UserName!, t["role-" + role]].Value;
    });

    public async Task<IActionResult> OnPostResetAsync(string id) => await ChangeAsync(id, async user =>
    {
        var password = FirstAdmin.GeneratePassword();
        await users.RemovePasswordAsync(user);
        await users.AddPasswordAsync(user, password);
        user.MustChangePassword = true;
        await users.UpdateAsync(user);
        await users.UpdateSecurityStampAsync(user);
        logger.LogInformation("{Admin} reset the password of console user {UserName}", User.Identity?.Name, user.UserName);
        if (firstAdmin.IsFirstAdmin(user))
        {
            firstAdmin.ForgetGeneratedPassword($"{User.Identity?.Name} reset the first admin's password");
        }

        Handover = (user.UserName!, password);
    });

    public async Task<IActionResult> OnPostLockAsync(string id) => await ChangeAsync(id, async user =>
    {
        if (IsMe(user))
        {
            Errors.Add(t["You cannot lock yourself out."]);
            return;
        }

        await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
        await users.UpdateSecurityStampAsync(user);
        logger.LogInformation("{Admin} locked console user {UserName}", User.Identity?.Name, user.UserName);
        Notice = t["{0} is locked and signed out.", user.UserName!].Value;
    });

    public async Task<IActionResult> OnPostUnlockAsync(string id) => await ChangeAsync(id, async user =>
    {
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        logger.LogInformation("{Admin} unlocked console user {UserName}", User.Identity?.Name, user.UserName);
        Notice = t["{0} can sign in again.", user.UserName!].Value;
    });

    private bool IsMe(ConsoleUser user) => string.Equals(user.UserName, User.Identity?.Name, StringComparison.Ordinal);

    private async Task<IActionResult> ChangeAsync(string id, Func<ConsoleUser, Task> change)
    {
        if (await users.FindByIdAsync(id) is not { } user)
        {
            return NotFound();
        }

        await change(user);
        await LoadAsync();
        return Page();
    }

    private async Task LoadAsync()
    {
        var now = clock.GetUtcNow();
        var people = new List<(ConsoleUser, string?, bool)>();
        foreach (var user in await users.Users.OrderBy(u => u.UserName).ToListAsync())
        {
            var roles = await users.GetRolesAsync(user);
            people.Add((user, roles.FirstOrDefault(), user.LockoutEnd is { } end && end > now));
        }

        People = people;
        ApiKeys = [.. configuration.GetSection("Auth:ApiKeys").GetChildren()
            .Select((key, i) => (key["Name"] ?? $"Auth:ApiKeys:{i}", key["Role"] ?? "?"))];
        var actors = new HashSet<string>(people.Select(p => p.Item1.UserName ?? string.Empty), StringComparer.Ordinal);
        actors.UnionWith(ApiKeys.Select(k => k.Name));
        AgentsWithoutAccount = [.. cases.Value.Agents.Where(a => !string.IsNullOrWhiteSpace(a.Id) && !actors.Contains(a.Id)).Select(a => (a.Id, a.Name))];
    }
}
