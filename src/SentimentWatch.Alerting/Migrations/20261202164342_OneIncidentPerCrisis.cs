using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Alerting.Migrations
{
    /// <inheritdoc />
    public partial class OneIncidentPerCrisis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AlertId",
                table: "alert_silences",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "alert_signals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    SignalKey = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    PeakSeverity = table.Column<int>(type: "INTEGER", nullable: false),
                    Measured = table.Column<double>(type: "REAL", nullable: false),
                    PeakMeasured = table.Column<double>(type: "REAL", nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Baseline = table.Column<double>(type: "REAL", nullable: true),
                    Summary = table.Column<string>(type: "TEXT", nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    WindowEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstFiredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastFiredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClearSince = table.Column<long>(type: "INTEGER", nullable: true),
                    ClearedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_signals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_alert_signals_alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_signals_AlertId_SignalKey",
                table: "alert_signals",
                columns: new[] { "AlertId", "SignalKey" });

            // Alerts from before one incident per crisis were one rule each: each becomes an
            // incident with that one signal, so they stay readable (an open one clears and
            // resolves as before; new findings open incidents under the new watch-level keys).
            migrationBuilder.Sql("""
                INSERT INTO alert_signals (AlertId, SignalKey, RuleId, Kind, Severity, PeakSeverity, Measured, PeakMeasured, Threshold, Count, Baseline,
                                           Summary, WindowStart, WindowEnd, FirstFiredAt, LastFiredAt, ClearSince, ClearedAt)
                SELECT Id, RuleId, RuleId, Kind, Severity, Severity, Measured, PeakMeasured, Threshold, EvidenceCount, Baseline,
                       Summary, WindowStart, WindowEnd, OpenedAt, LastFiredAt, ClearSince, CASE WHEN Status = 2 THEN ResolvedAt ELSE NULL END
                FROM alerts;
                """);

            migrationBuilder.AddForeignKey(
                name: "FK_alert_timeline_alerts_AlertId",
                table: "alert_timeline",
                column: "AlertId",
                principalTable: "alerts",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_alert_timeline_alerts_AlertId",
                table: "alert_timeline");

            migrationBuilder.DropTable(
                name: "alert_signals");

            migrationBuilder.DropColumn(
                name: "AlertId",
                table: "alert_silences");
        }
    }
}
