using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Alerting.Migrations
{
    /// <inheritdoc />
    public partial class BackfillHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Earliest",
                table: "alert_evidence_history",
                type: "TEXT",
                maxLength: 580,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "Observed",
                table: "alert_evidence_history",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Histories recorded before decision 251 keep their readiness: watched since their earliest evidence.
            migrationBuilder.Sql("UPDATE alert_evidence_history SET \"Observed\" = \"Since\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Earliest",
                table: "alert_evidence_history");

            migrationBuilder.DropColumn(
                name: "Observed",
                table: "alert_evidence_history");
        }
    }
}
