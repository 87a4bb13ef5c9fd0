using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Alerting.Migrations
{
    /// <inheritdoc />
    public partial class ResponsePlan : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AlertId",
                table: "staff_notices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "WatchId",
                table: "staff_notices",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PlannedSeverity",
                table: "alerts",
                type: "INTEGER",
                nullable: true);

            // Incidents open at upgrade time do not start a plan retroactively (their deadlines would all be past).
            migrationBuilder.Sql("UPDATE alerts SET PlannedSeverity = Severity;");

            migrationBuilder.CreateTable(
                name: "alert_steps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    StepId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PlaybookId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    Owner = table.Column<string>(type: "TEXT", nullable: false),
                    Contact = table.Column<string>(type: "TEXT", nullable: true),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DoneAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DoneBy = table.Column<string>(type: "TEXT", nullable: true),
                    Note = table.Column<string>(type: "TEXT", nullable: true),
                    ReopenCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ChecklistJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_steps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_alert_steps_alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "alert_step_reminders",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    StepRowId = table.Column<long>(type: "INTEGER", nullable: false),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    Cycle = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DedupKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Recipients = table.Column<string>(type: "TEXT", nullable: false),
                    NotifiedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_step_reminders", x => x.Id);
                    table.ForeignKey(
                        name: "FK_alert_step_reminders_alert_steps_StepRowId",
                        column: x => x.StepRowId,
                        principalTable: "alert_steps",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_staff_notices_AlertId",
                table: "staff_notices",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_alert_step_reminders_AlertId",
                table: "alert_step_reminders",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_alert_step_reminders_NotifiedAt",
                table: "alert_step_reminders",
                column: "NotifiedAt");

            migrationBuilder.CreateIndex(
                name: "IX_alert_step_reminders_StepRowId_Cycle",
                table: "alert_step_reminders",
                columns: new[] { "StepRowId", "Cycle" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alert_steps_AlertId_StepId",
                table: "alert_steps",
                columns: new[] { "AlertId", "StepId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alert_steps_DoneAt_DueAt",
                table: "alert_steps",
                columns: new[] { "DoneAt", "DueAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_step_reminders");

            migrationBuilder.DropTable(
                name: "alert_steps");

            migrationBuilder.DropIndex(
                name: "IX_staff_notices_AlertId",
                table: "staff_notices");

            migrationBuilder.DropColumn(
                name: "AlertId",
                table: "staff_notices");

            migrationBuilder.DropColumn(
                name: "WatchId",
                table: "staff_notices");

            migrationBuilder.DropColumn(
                name: "PlannedSeverity",
                table: "alerts");
        }
    }
}
