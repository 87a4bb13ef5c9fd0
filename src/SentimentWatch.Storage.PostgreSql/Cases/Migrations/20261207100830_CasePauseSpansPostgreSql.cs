using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Cases
{
    /// <inheritdoc />
    public partial class CasePauseSpansPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PauseSpans",
                table: "cases",
                type: "text",
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PauseSpans",
                table: "cases");
        }
    }
}
