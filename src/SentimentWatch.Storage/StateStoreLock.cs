using Microsoft.EntityFrameworkCore;

namespace SentimentWatch.Storage;

/// <summary>
/// A desk's "one writer at a time" across worker processes (decision 166). On SQLite one process
/// owns the file and the desk's own gate is enough; on PostgreSQL several workers write the same
/// rows, so a desk that reads, decides and then writes (open a case or attach to the author's
/// open one; open an incident or join the open one) also holds a PostgreSQL advisory lock for
/// that span. The lock is the session's: a worker killed while holding it loses its connection
/// and with it the lock.
/// </summary>
public static class StateStoreLock
{
    /// <summary>Complaint intake (cases): "SWCASES" as a number.</summary>
    public const long CaseIntake = 0x5357434153455300;

    /// <summary>Incident evaluation (alerts): "SWALERT" as a number.</summary>
    public const long IncidentDesk = 0x5357414C45525400;

    /// <summary>
    /// Takes the lock on the context's connection (opened and kept open until the lock is given
    /// back) and waits for it as long as it takes; on SQLite returns at once. Dispose to release.
    /// </summary>
    public static async Task<IAsyncDisposable> HoldAsync(DbContext db, long key, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return NotNeeded.Instance;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_lock({0})", [key], cancellationToken);
        return new Held(db, key);
    }

    private sealed class Held(DbContext db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_unlock({0})", [key], CancellationToken.None);
            }
            finally
            {
                // Returned to the pool; Npgsql resets the session there, which also drops a lock the unlock could not.
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private sealed class NotNeeded : IAsyncDisposable
    {
        public static readonly NotNeeded Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
