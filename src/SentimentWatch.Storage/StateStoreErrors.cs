using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace SentimentWatch.Storage;

/// <summary>Database errors capabilities react to, named once for both providers.</summary>
public static class StateStoreErrors
{
    /// <summary>
    /// A write broke a constraint (a unique key someone else wrote a moment ago): SQLite's
    /// SQLITE_CONSTRAINT (19), PostgreSQL's integrity-constraint class (SQLSTATE 23xxx).
    /// </summary>
    public static bool IsConstraintViolation(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException { SqliteErrorCode: 19 } => true,
        PostgresException postgres => postgres.SqlState.StartsWith("23", StringComparison.Ordinal),
        _ => false,
    };
}
