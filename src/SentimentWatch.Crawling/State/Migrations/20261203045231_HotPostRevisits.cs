using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Crawling.State.Migrations
{
    /// <inheritdoc />
    public partial class HotPostRevisits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "crawl_hot_posts",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "TEXT", nullable: false),
                    MentionId = table.Column<string>(type: "TEXT", nullable: false),
                    PageUrl = table.Column<string>(type: "TEXT", nullable: false),
                    ThreadUrl = table.Column<string>(type: "TEXT", nullable: true),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Reach = table.Column<long>(type: "INTEGER", nullable: false),
                    Likes = table.Column<long>(type: "INTEGER", nullable: false),
                    Replies = table.Column<long>(type: "INTEGER", nullable: false),
                    Shares = table.Column<long>(type: "INTEGER", nullable: false),
                    LastCheckedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Growing = table.Column<bool>(type: "INTEGER", nullable: false),
                    Updates = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_hot_posts", x => new { x.SourceId, x.MentionId });
                });

            migrationBuilder.CreateIndex(
                name: "IX_crawl_hot_posts_PublishedAt",
                table: "crawl_hot_posts",
                column: "PublishedAt");

            migrationBuilder.CreateIndex(
                name: "IX_crawl_hot_posts_SourceId_Growing_LastCheckedAt",
                table: "crawl_hot_posts",
                columns: new[] { "SourceId", "Growing", "LastCheckedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "crawl_hot_posts");
        }
    }
}
