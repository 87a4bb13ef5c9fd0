using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Crawling
{
    /// <inheritdoc />
    public partial class RuntimeSourcesAndHotPostsPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "crawl_hot_posts",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "text", nullable: false),
                    MentionId = table.Column<string>(type: "text", nullable: false),
                    PageUrl = table.Column<string>(type: "text", nullable: false),
                    ThreadUrl = table.Column<string>(type: "text", nullable: true),
                    PublishedAt = table.Column<long>(type: "bigint", nullable: false),
                    Reach = table.Column<long>(type: "bigint", nullable: false),
                    Likes = table.Column<long>(type: "bigint", nullable: false),
                    Replies = table.Column<long>(type: "bigint", nullable: false),
                    Shares = table.Column<long>(type: "bigint", nullable: false),
                    LastCheckedAt = table.Column<long>(type: "bigint", nullable: false),
                    Growing = table.Column<bool>(type: "boolean", nullable: false),
                    Updates = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_hot_posts", x => new { x.SourceId, x.MentionId });
                });

            migrationBuilder.CreateTable(
                name: "crawl_managed_sources",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    CreatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_managed_sources", x => x.SourceId);
                });

            migrationBuilder.CreateTable(
                name: "crawl_source_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SourceId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Definition = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_source_audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "crawl_source_pauses",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PausedAt = table.Column<long>(type: "bigint", nullable: false),
                    PausedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_source_pauses", x => x.SourceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_crawl_hot_posts_PublishedAt",
                table: "crawl_hot_posts",
                column: "PublishedAt");

            migrationBuilder.CreateIndex(
                name: "IX_crawl_hot_posts_SourceId_Growing_LastCheckedAt",
                table: "crawl_hot_posts",
                columns: new[] { "SourceId", "Growing", "LastCheckedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_crawl_source_audit_SourceId_At",
                table: "crawl_source_audit",
                columns: new[] { "SourceId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "crawl_hot_posts");

            migrationBuilder.DropTable(
                name: "crawl_managed_sources");

            migrationBuilder.DropTable(
                name: "crawl_source_audit");

            migrationBuilder.DropTable(
                name: "crawl_source_pauses");
        }
    }
}
