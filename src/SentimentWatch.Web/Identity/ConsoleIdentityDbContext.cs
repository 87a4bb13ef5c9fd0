using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SentimentWatch.Storage;

namespace SentimentWatch.Web.Identity;

/// <summary>
/// The console's people and roles in the state store, in tables of its own (<c>console_*</c>)
/// with its own migrations history, like every capability's context.
/// </summary>
public sealed class ConsoleIdentityDbContext(DbContextOptions<ConsoleIdentityDbContext> options)
    : IdentityDbContext<ConsoleUser, IdentityRole, string>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<ConsoleUser>().ToTable("console_users");
        builder.Entity<IdentityRole>().ToTable("console_roles");
        builder.Entity<IdentityUserRole<string>>().ToTable("console_user_roles");
        builder.Entity<IdentityUserClaim<string>>().ToTable("console_user_claims");
        builder.Entity<IdentityUserLogin<string>>().ToTable("console_user_logins");
        builder.Entity<IdentityRoleClaim<string>>().ToTable("console_role_claims");
        builder.Entity<IdentityUserToken<string>>().ToTable("console_user_tokens");

        // SQLite cannot order or compare DateTimeOffset; store UTC ticks, as the other contexts do.
        var instant = new ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
        var user = builder.Entity<ConsoleUser>();
        user.Property(u => u.CreatedAt).HasConversion(instant);
        user.Property(u => u.LastSignInAt).HasConversion(instant);
        user.Property(u => u.LockoutEnd).HasConversion(instant);
    }
}

public sealed class ConsoleIdentityDbContextDesignFactory : IDesignTimeDbContextFactory<ConsoleIdentityDbContext>
{
    public ConsoleIdentityDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ConsoleIdentityDbContext>();
        StorageRegistration.ConfigureSqlite<ConsoleIdentityDbContext>(options, new StorageOptions { DataDirectory = Path.GetTempPath() });
        return new ConsoleIdentityDbContext(options.Options);
    }
}
