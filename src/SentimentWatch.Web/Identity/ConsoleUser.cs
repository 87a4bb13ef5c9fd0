using Microsoft.AspNetCore.Identity;

namespace SentimentWatch.Web.Identity;

/// <summary>A person who signs in to the console. The user name is who the audit trail names.</summary>
public sealed class ConsoleUser : IdentityUser
{
    /// <summary>
    /// Set for the generated first admin and for accounts an admin created or reset: the
    /// password was seen by someone else, so its owner must choose a new one before anything else.
    /// </summary>
    public bool MustChangePassword { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }
}
