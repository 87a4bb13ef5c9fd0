using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Alerting.Migrations
{
    /// <inheritdoc />
    public partial class IncidentReading : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "PeakNegatives",
                table: "alerts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ReadingJson",
                table: "alerts",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PeakNegatives",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "ReadingJson",
                table: "alerts");
        }
    }
}
