using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Scoring.Corrections.Migrations
{
    /// <inheritdoc />
    public partial class AddCorrectionSource : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Source",
                table: "label_corrections",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Source",
                table: "label_corrections");
        }
    }
}
