using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Cases.Migrations
{
    /// <inheritdoc />
    public partial class CaseQueryIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_OpenedAt",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_cases_metrics_backlog",
                table: "cases",
                columns: new[] { "IsOpen", "FirstResponseBreached", "ResolutionBreached", "DueKey", "Category", "Team", "Owner", "WatchId" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_metrics_period",
                table: "cases",
                columns: new[] { "OpenedAt", "MergedIntoId", "Status", "IsOpen", "FirstResponseWorking", "ResolutionWorking", "ResolvedAt", "FirstResponseBreached", "ResolutionBreached", "DueKey", "ReopenCount", "Satisfaction", "Category", "Team", "Owner", "WatchId" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Priority_DueKey_Id",
                table: "cases",
                columns: new[] { "Priority", "DueKey", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_metrics_backlog",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_metrics_period",
                table: "cases");

            migrationBuilder.DropIndex(
                name: "IX_cases_Priority_DueKey_Id",
                table: "cases");

            migrationBuilder.CreateIndex(
                name: "IX_cases_OpenedAt",
                table: "cases",
                column: "OpenedAt");
        }
    }
}
