using Npgsql;

namespace SentimentWatch.Testing;

/// <summary>
/// The real PostgreSQL server the tests talk to: <c>.ci/run</c> starts one on 127.0.0.1 with
/// <c>.ci/postgres start</c> and passes its connection string (a role that may create databases)
/// in <c>SENTIMENTWATCH_TEST_POSTGRES</c>. Each test gets a database of its own, dropped when it
/// is disposed, so tests run in parallel without seeing each other's rows. Without the variable
/// the tests fail (never skip) with the command that starts a server.
/// </summary>
public static class PostgresTestServer
{
    public const string Variable = "SENTIMENTWATCH_TEST_POSTGRES";

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set: these tests need a real PostgreSQL. Start one with " +
                $"`export {Variable}=\"$(bash .ci/postgres start)\"` (installs Debian's postgresql when missing), " +
                "or run `bash .ci/run`, which does that and runs every test.");

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public static async Task<PostgresTestDatabase> CreateDatabaseAsync(string purpose = "t")
    {
        // At most 3 + 20 + 1 + 32 = 56 characters: within PostgreSQL's 63 for a name.
        var name = $"sw_{new string(purpose.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(20).ToArray())}_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name };
        return new PostgresTestDatabase(name, builder.ConnectionString);
    }
}

/// <summary>A database of one test; dropped (with its connections) on dispose.</summary>
public sealed class PostgresTestDatabase(string name, string connectionString) : IAsyncDisposable
{
    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresTestServer.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
