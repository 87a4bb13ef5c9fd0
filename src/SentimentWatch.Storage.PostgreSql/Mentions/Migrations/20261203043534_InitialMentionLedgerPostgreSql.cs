using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Mentions
{
    /// <inheritdoc />
    public partial class InitialMentionLedgerPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "mentions",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Source = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ExternalId = table.Column<string>(type: "text", nullable: true),
                    Url = table.Column<string>(type: "text", nullable: true),
                    Author = table.Column<string>(type: "text", nullable: true),
                    ThreadId = table.Column<string>(type: "text", nullable: true),
                    Title = table.Column<string>(type: "text", nullable: true),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Language = table.Column<string>(type: "text", nullable: false),
                    PublishedAt = table.Column<long>(type: "bigint", nullable: false),
                    PublishedAtEstimated = table.Column<bool>(type: "boolean", nullable: false),
                    CollectedAt = table.Column<long>(type: "bigint", nullable: false),
                    Reach = table.Column<long>(type: "bigint", nullable: false),
                    Likes = table.Column<long>(type: "bigint", nullable: false),
                    Replies = table.Column<long>(type: "bigint", nullable: false),
                    Shares = table.Column<long>(type: "bigint", nullable: false),
                    Fingerprint = table.Column<long>(type: "bigint", nullable: false),
                    Band0 = table.Column<int>(type: "integer", nullable: false),
                    Band1 = table.Column<int>(type: "integer", nullable: false),
                    Band2 = table.Column<int>(type: "integer", nullable: false),
                    Band3 = table.Column<int>(type: "integer", nullable: false),
                    DuplicateOf = table.Column<string>(type: "text", nullable: true),
                    DirectComplaint = table.Column<bool>(type: "boolean", nullable: false),
                    Watches = table.Column<string>(type: "text", nullable: false),
                    Sentiment = table.Column<string>(type: "text", nullable: true),
                    Negative = table.Column<float>(type: "real", nullable: true),
                    Neutral = table.Column<float>(type: "real", nullable: true),
                    Positive = table.Column<float>(type: "real", nullable: true),
                    Topic = table.Column<string>(type: "text", nullable: true),
                    TopicScore = table.Column<float>(type: "real", nullable: true),
                    RiskTerms = table.Column<string>(type: "text", nullable: false),
                    ScoredBy = table.Column<string>(type: "text", nullable: true),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    ParkedReason = table.Column<string>(type: "text", nullable: true),
                    AcceptedAt = table.Column<long>(type: "bigint", nullable: false),
                    ProcessedAt = table.Column<long>(type: "bigint", nullable: true),
                    LeaseOwner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    LeaseExpiresAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mentions", x => x.Sequence);
                });

            migrationBuilder.CreateIndex(
                name: "IX_mentions_Band0",
                table: "mentions",
                column: "Band0");

            migrationBuilder.CreateIndex(
                name: "IX_mentions_Band1",
                table: "mentions",
                column: "Band1");

            migrationBuilder.CreateIndex(
                name: "IX_mentions_Band2",
                table: "mentions",
                column: "Band2");

            migrationBuilder.CreateIndex(
                name: "IX_mentions_Band3",
                table: "mentions",
                column: "Band3");

            migrationBuilder.CreateIndex(
                name: "IX_mentions_Id",
                table: "mentions",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mentions_ScoredBy",
                table: "mentions",
                column: "ScoredBy");

            migrationBuilder.CreateIndex(
                name: "IX_mentions_State_Sequence",
                table: "mentions",
                columns: new[] { "State", "Sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mentions");
        }
    }
}
