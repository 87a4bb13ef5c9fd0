using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Storage.Mentions.Migrations
{
    /// <inheritdoc />
    public partial class InitialMentionLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "mentions",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", nullable: true),
                    Url = table.Column<string>(type: "TEXT", nullable: true),
                    Author = table.Column<string>(type: "TEXT", nullable: true),
                    ThreadId = table.Column<string>(type: "TEXT", nullable: true),
                    Title = table.Column<string>(type: "TEXT", nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Language = table.Column<string>(type: "TEXT", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CollectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Reach = table.Column<long>(type: "INTEGER", nullable: false),
                    Likes = table.Column<long>(type: "INTEGER", nullable: false),
                    Replies = table.Column<long>(type: "INTEGER", nullable: false),
                    Shares = table.Column<long>(type: "INTEGER", nullable: false),
                    Fingerprint = table.Column<long>(type: "INTEGER", nullable: false),
                    Band0 = table.Column<int>(type: "INTEGER", nullable: false),
                    Band1 = table.Column<int>(type: "INTEGER", nullable: false),
                    Band2 = table.Column<int>(type: "INTEGER", nullable: false),
                    Band3 = table.Column<int>(type: "INTEGER", nullable: false),
                    DuplicateOf = table.Column<string>(type: "TEXT", nullable: true),
                    Watches = table.Column<string>(type: "TEXT", nullable: false),
                    Sentiment = table.Column<string>(type: "TEXT", nullable: true),
                    Negative = table.Column<float>(type: "REAL", nullable: true),
                    Neutral = table.Column<float>(type: "REAL", nullable: true),
                    Positive = table.Column<float>(type: "REAL", nullable: true),
                    Topic = table.Column<string>(type: "TEXT", nullable: true),
                    TopicScore = table.Column<float>(type: "REAL", nullable: true),
                    RiskTerms = table.Column<string>(type: "TEXT", nullable: false),
                    ScoredBy = table.Column<string>(type: "TEXT", nullable: true),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    ParkedReason = table.Column<string>(type: "TEXT", nullable: true),
                    AcceptedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ProcessedAt = table.Column<long>(type: "INTEGER", nullable: true)
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
