using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Crawling.State.Migrations
{
    /// <inheritdoc />
    public partial class ThreadPositions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "crawl_thread_positions",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "TEXT", nullable: false),
                    ThreadUrl = table.Column<string>(type: "TEXT", nullable: false),
                    LastPageUrl = table.Column<string>(type: "TEXT", nullable: false),
                    LastPostId = table.Column<string>(type: "TEXT", nullable: true),
                    ReachedEnd = table.Column<bool>(type: "INTEGER", nullable: false),
                    Replies = table.Column<long>(type: "INTEGER", nullable: false),
                    OpenerMentionId = table.Column<string>(type: "TEXT", nullable: true),
                    OpenerPublishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_thread_positions", x => new { x.SourceId, x.ThreadUrl });
                });

            migrationBuilder.CreateIndex(
                name: "IX_crawl_thread_positions_SourceId_UpdatedAt",
                table: "crawl_thread_positions",
                columns: new[] { "SourceId", "UpdatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "crawl_thread_positions");
        }
    }
}
