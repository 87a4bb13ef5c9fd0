using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Cases.Migrations
{
    /// <inheritdoc />
    public partial class CaseMetricRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_metric_days",
                columns: table => new
                {
                    Day = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Volume = table.Column<int>(type: "INTEGER", nullable: false),
                    Resolved = table.Column<int>(type: "INTEGER", nullable: false),
                    Breached = table.Column<int>(type: "INTEGER", nullable: false),
                    Reopened = table.Column<int>(type: "INTEGER", nullable: false),
                    Rated = table.Column<int>(type: "INTEGER", nullable: false),
                    RatingSum = table.Column<long>(type: "INTEGER", nullable: false),
                    Open = table.Column<int>(type: "INTEGER", nullable: false),
                    OpenBreached = table.Column<int>(type: "INTEGER", nullable: false),
                    FirstResponseTicks = table.Column<byte[]>(type: "BLOB", nullable: false),
                    ResolutionTicks = table.Column<byte[]>(type: "BLOB", nullable: false),
                    OpenDueKeys = table.Column<byte[]>(type: "BLOB", nullable: false),
                    UnratedResolvedAt = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_metric_days", x => new { x.Kind, x.Day, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "case_metric_dirty_days",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_metric_dirty_days", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_metric_dirty_days_Day",
                table: "case_metric_dirty_days",
                column: "Day");

            // Cases that exist already: the first refresh rebuilds every day (decision 164).
            migrationBuilder.InsertData(
                table: "case_metric_dirty_days",
                column: "Day",
                value: -1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_metric_days");

            migrationBuilder.DropTable(
                name: "case_metric_dirty_days");
        }
    }
}
