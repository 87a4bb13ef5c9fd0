using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Cases
{
    /// <inheritdoc />
    public partial class CaseQueueDueIndexPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_cases_IsOpen_DueKey_Priority_Id",
                table: "cases",
                columns: new[] { "IsOpen", "DueKey", "Priority", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_cases_IsOpen_DueKey_Priority_Id",
                table: "cases");
        }
    }
}
