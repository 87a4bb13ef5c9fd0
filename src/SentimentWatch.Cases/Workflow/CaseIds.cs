using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace SentimentWatch.Cases.Workflow;

/// <summary>
/// Case ids handed out inside a complaint-intake transaction, so opening a case needs no save to
/// learn its id (decision 188). Intake used to save the whole batch's work once per opened case
/// only for the database to number the case.
/// <list type="bullet">
/// <item>SQLite: intake holds the database's one write lock for the whole transaction (and the
/// desk's writer gate in the process), so nobody else can insert a case meanwhile: the next id is
/// one past both the largest id and the AUTOINCREMENT high-water mark (ids of deleted cases are
/// never reused), and an explicit id moves that mark as the database would.</item>
/// <item>PostgreSQL: ids are drawn from the column's identity sequence (<c>nextval</c>) in one
/// round trip for as many cases as the batch may still open; ids drawn and not used are gaps, as a
/// rolled-back insert would leave.</item>
/// </list>
/// </summary>
internal sealed class CaseIds(CasesDbContext db)
{
    private readonly Queue<long> _reserved = new();
    private long _sqliteNext;

    /// <summary>The next case id; <paramref name="mayStillOpen"/> (at least 1) sizes a PostgreSQL reservation.</summary>
    public async Task<long> NextAsync(int mayStillOpen, CancellationToken cancellationToken)
    {
        var postgreSql = db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true;
        if (!postgreSql)
        {
            if (_sqliteNext == 0)
            {
                _sqliteNext = await ScalarAsync(
                    "SELECT MAX(COALESCE((SELECT MAX(\"Id\") FROM cases), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'cases'), 0)) + 1",
                    cancellationToken);
            }

            return _sqliteNext++;
        }

        if (_reserved.Count == 0)
        {
            var connection = db.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.CommandText = "SELECT nextval(pg_get_serial_sequence('cases', 'Id')) FROM generate_series(1, @count)";
            var count = command.CreateParameter();
            count.ParameterName = "@count";
            count.Value = Math.Max(1, mayStillOpen);
            command.Parameters.Add(count);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _reserved.Enqueue(reader.GetInt64(0));
            }
        }

        return _reserved.Dequeue();
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using DbCommand command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
