using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Cases.Migrations
{
    /// <inheritdoc />
    public partial class CaseRowVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "RowVersion",
                table: "cases",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RowVersion",
                table: "cases");
        }
    }
}
