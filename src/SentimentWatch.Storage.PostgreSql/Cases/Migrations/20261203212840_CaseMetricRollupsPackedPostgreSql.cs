using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Cases
{
    /// <inheritdoc />
    public partial class CaseMetricRollupsPackedPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_metric_days");

            migrationBuilder.CreateTable(
                name: "case_metric_rollups",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Day = table.Column<int>(type: "integer", nullable: false),
                    Open = table.Column<int>(type: "integer", nullable: false),
                    Groups = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_metric_rollups", x => new { x.Kind, x.Day });
                });

            // The rollups are rebuilt in the new shape: the first refresh rebuilds every day (decision 198).
            migrationBuilder.InsertData(
                table: "case_metric_dirty_days",
                column: "Day",
                value: -1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_metric_rollups");

            migrationBuilder.CreateTable(
                name: "case_metric_days",
                columns: table => new
                {
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Day = table.Column<int>(type: "integer", nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Breached = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseTicks = table.Column<byte[]>(type: "bytea", nullable: false),
                    Open = table.Column<int>(type: "integer", nullable: false),
                    OpenBreached = table.Column<int>(type: "integer", nullable: false),
                    OpenDueKeys = table.Column<byte[]>(type: "bytea", nullable: false),
                    Rated = table.Column<int>(type: "integer", nullable: false),
                    RatingSum = table.Column<long>(type: "bigint", nullable: false),
                    Reopened = table.Column<int>(type: "integer", nullable: false),
                    ResolutionTicks = table.Column<byte[]>(type: "bytea", nullable: false),
                    Resolved = table.Column<int>(type: "integer", nullable: false),
                    UnratedResolvedAt = table.Column<byte[]>(type: "bytea", nullable: false),
                    Volume = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_metric_days", x => new { x.Kind, x.Day, x.Key });
                });

            // The rollups are rebuilt in the old shape: the first refresh rebuilds every day (decision 198).
            migrationBuilder.InsertData(
                table: "case_metric_dirty_days",
                column: "Day",
                value: -1);
        }
    }
}
