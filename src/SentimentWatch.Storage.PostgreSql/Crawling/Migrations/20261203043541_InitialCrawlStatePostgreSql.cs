using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Crawling
{
    /// <inheritdoc />
    public partial class InitialCrawlStatePostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "crawl_page_validators",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "text", nullable: false),
                    Url = table.Column<string>(type: "text", nullable: false),
                    ETag = table.Column<string>(type: "text", nullable: true),
                    LastModified = table.Column<string>(type: "text", nullable: true),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_page_validators", x => new { x.SourceId, x.Url });
                });

            migrationBuilder.CreateTable(
                name: "crawl_seen_items",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "text", nullable: false),
                    ItemKey = table.Column<string>(type: "text", nullable: false),
                    SeenAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_seen_items", x => new { x.SourceId, x.ItemKey });
                });

            migrationBuilder.CreateTable(
                name: "crawl_source_health",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "text", nullable: false),
                    LastRunAt = table.Column<long>(type: "bigint", nullable: true),
                    LastSuccessAt = table.Column<long>(type: "bigint", nullable: true),
                    LastMentionAt = table.Column<long>(type: "bigint", nullable: true),
                    LastItemsFound = table.Column<int>(type: "integer", nullable: false),
                    TotalItemsFound = table.Column<long>(type: "bigint", nullable: false),
                    PagesFetched = table.Column<long>(type: "bigint", nullable: false),
                    NotModified = table.Column<long>(type: "bigint", nullable: false),
                    ConsecutiveFailures = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "text", nullable: true),
                    ErrorsByKind = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_source_health", x => x.SourceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_crawl_seen_items_SourceId_SeenAt",
                table: "crawl_seen_items",
                columns: new[] { "SourceId", "SeenAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "crawl_page_validators");

            migrationBuilder.DropTable(
                name: "crawl_seen_items");

            migrationBuilder.DropTable(
                name: "crawl_source_health");
        }
    }
}
