using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Cases
{
    /// <inheritdoc />
    public partial class CaseMetricRollupsPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_metric_days",
                columns: table => new
                {
                    Day = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Key = table.Column<string>(type: "text", nullable: false),
                    Volume = table.Column<int>(type: "integer", nullable: false),
                    Resolved = table.Column<int>(type: "integer", nullable: false),
                    Breached = table.Column<int>(type: "integer", nullable: false),
                    Reopened = table.Column<int>(type: "integer", nullable: false),
                    Rated = table.Column<int>(type: "integer", nullable: false),
                    RatingSum = table.Column<long>(type: "bigint", nullable: false),
                    Open = table.Column<int>(type: "integer", nullable: false),
                    OpenBreached = table.Column<int>(type: "integer", nullable: false),
                    FirstResponseTicks = table.Column<byte[]>(type: "bytea", nullable: false),
                    ResolutionTicks = table.Column<byte[]>(type: "bytea", nullable: false),
                    OpenDueKeys = table.Column<byte[]>(type: "bytea", nullable: false),
                    UnratedResolvedAt = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_metric_days", x => new { x.Kind, x.Day, x.Key });
                });

            migrationBuilder.CreateTable(
                name: "case_metric_dirty_days",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Day = table.Column<int>(type: "integer", nullable: false)
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
