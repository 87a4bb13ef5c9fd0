using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Cases.Migrations
{
    /// <inheritdoc />
    public partial class CaseAuthorIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_WatchId_AuthorKey_Status",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_cases_AuthorKey_Status",
                table: "cases",
                columns: new[] { "AuthorKey", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_AuthorKey_Status",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_cases_WatchId_AuthorKey_Status",
                table: "cases",
                columns: new[] { "WatchId", "AuthorKey", "Status" });
        }
    }
}
