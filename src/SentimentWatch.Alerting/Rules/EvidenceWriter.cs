using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace SentimentWatch.Alerting;

/// <summary>
/// Writes a batch's evidence rows with multi-row <c>INSERT … ON CONFLICT DO UPDATE</c> statements
/// (the same text on SQLite and PostgreSQL), inside the caller's transaction (decision 189).
/// Every indexed mention of a watch with rules is a row, so this runs for nearly every mention:
/// through EF Core each row was a tracked entity and its own command, after a query for the rows
/// already there. A re-delivered mention refreshes the fields a re-score changes (sentiment,
/// topic, reach, risk terms) and is still one row, as before.
/// </summary>
internal static class EvidenceWriter
{
    private const int RowsPerStatement = 200;

    /// <summary>
    /// Microsoft.Data.Sqlite binds each parameter by name, and SQLite finds a name by walking the statement's list
    /// of names, so binding a statement costs the square of its parameters: 200 rows (2,200 parameters) cost about
    /// 100 µs a row, 8 rows on a reused, prepared command 7–8 µs (decision 196). Npgsql binds by position.
    /// </summary>
    private const int SqliteRowsPerStatement = 8;

    private static readonly string[] Columns = ["WatchId", "MentionId", "At", "Sentiment", "Source", "Topic", "Author", "Reach", "RiskTerms", "Url", "Excerpt"];

    private static readonly DateTimeOffsetToBinaryConverter Ticks = new();

    /// <summary>A time as the store gives it back (the converter keeps 0.1 ms), so a row held in memory compares as a stored one.</summary>
    public static DateTimeOffset AsStored(DateTimeOffset at) => (DateTimeOffset)Ticks.ConvertFromProvider(Ticks.ConvertToProvider(at)!)!;

    public static async Task UpsertAsync(AlertingDbContext db, IReadOnlyList<MentionEvidence> evidence, CancellationToken cancellationToken)
    {
        // One row per key in a statement (PostgreSQL refuses to update a row twice in one): a mention delivered twice in one batch carries the same time and text, so the last is kept.
        var rows = evidence.GroupBy(e => (e.WatchId, e.MentionId)).Select(g => g.Last()).ToList();
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        var perStatement = db.Database.IsNpgsql() ? RowsPerStatement : SqliteRowsPerStatement;
        // Every chunk but the last is full: they share one command, prepared once; only the values change.
        await using var full = rows.Count >= perStatement ? Create(connection, transaction, perStatement) : null;
        foreach (var chunk in rows.Chunk(perStatement))
        {
            if (chunk.Length == perStatement)
            {
                await WriteAsync(full!, chunk, cancellationToken);
            }
            else
            {
                await using var last = Create(connection, transaction, chunk.Length);
                await WriteAsync(last, chunk, cancellationToken);
            }
        }
    }

    private static async Task WriteAsync(DbCommand command, MentionEvidence[] chunk, CancellationToken cancellationToken)
    {
        for (var i = 0; i < chunk.Length; i++)
        {
            var e = chunk[i];
            var at = i * Columns.Length;
            command.Parameters[at].Value = e.WatchId;
            command.Parameters[at + 1].Value = e.MentionId;
            command.Parameters[at + 2].Value = Ticks.ConvertToProvider(e.At);
            command.Parameters[at + 3].Value = e.Sentiment is { } sentiment ? (int)sentiment : DBNull.Value;
            command.Parameters[at + 4].Value = e.Source;
            command.Parameters[at + 5].Value = (object?)e.Topic ?? DBNull.Value;
            command.Parameters[at + 6].Value = (object?)e.Author ?? DBNull.Value;
            command.Parameters[at + 7].Value = e.Reach;
            command.Parameters[at + 8].Value = e.RiskTerms;
            command.Parameters[at + 9].Value = (object?)e.Url ?? DBNull.Value;
            command.Parameters[at + 10].Value = e.Excerpt;
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Create(DbConnection connection, DbTransaction? transaction, int rows)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Sql(rows);
        for (var row = 0; row < rows; row++)
        {
            for (var column = 0; column < Columns.Length; column++)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = $"@p{row}_{column}";
                command.Parameters.Add(parameter);
            }
        }

        return command;
    }

    private static readonly Dictionary<int, string> Statements = [];

    private static string Sql(int rows)
    {
        lock (Statements)
        {
            if (Statements.TryGetValue(rows, out var cached))
            {
                return cached;
            }

            var sql = new StringBuilder("INSERT INTO alert_evidence (")
                .AppendJoin(", ", Columns.Select(c => $"\"{c}\""))
                .Append(") VALUES ");
            for (var r = 0; r < rows; r++)
            {
                sql.Append(r == 0 ? "(" : ", (").AppendJoin(", ", Columns.Select((_, c) => $"@p{r}_{c}")).Append(')');
            }

            sql.Append(" ON CONFLICT (\"WatchId\", \"MentionId\") DO UPDATE SET \"Sentiment\" = excluded.\"Sentiment\", \"Topic\" = excluded.\"Topic\", \"Reach\" = excluded.\"Reach\", \"RiskTerms\" = excluded.\"RiskTerms\"");
            return Statements[rows] = sql.ToString();
        }
    }
}
