using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Crawling.State.Migrations
{
    /// <inheritdoc />
    public partial class RuntimeManagedSources : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "crawl_managed_sources",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Definition = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_managed_sources", x => x.SourceId);
                });

            migrationBuilder.CreateTable(
                name: "crawl_source_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Definition = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_source_audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "crawl_source_pauses",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PausedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PausedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crawl_source_pauses", x => x.SourceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_crawl_source_audit_SourceId_At",
                table: "crawl_source_audit",
                columns: new[] { "SourceId", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "crawl_managed_sources");

            migrationBuilder.DropTable(
                name: "crawl_source_audit");

            migrationBuilder.DropTable(
                name: "crawl_source_pauses");
        }
    }
}
