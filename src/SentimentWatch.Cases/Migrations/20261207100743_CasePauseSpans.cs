using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Cases.Migrations
{
    /// <inheritdoc />
    public partial class CasePauseSpans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PauseSpans",
                table: "cases",
                type: "TEXT",
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
