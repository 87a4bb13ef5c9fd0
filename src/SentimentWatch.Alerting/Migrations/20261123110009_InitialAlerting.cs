using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Alerting.Migrations
{
    /// <inheritdoc />
    public partial class InitialAlerting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_evidence",
                columns: table => new
                {
                    WatchId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    MentionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Sentiment = table.Column<int>(type: "INTEGER", nullable: true),
                    Source = table.Column<string>(type: "TEXT", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", nullable: true),
                    Author = table.Column<string>(type: "TEXT", nullable: true),
                    Reach = table.Column<long>(type: "INTEGER", nullable: false),
                    RiskTerms = table.Column<string>(type: "TEXT", nullable: false),
                    Url = table.Column<string>(type: "TEXT", nullable: true),
                    Excerpt = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_evidence", x => new { x.WatchId, x.MentionId });
                });

            migrationBuilder.CreateTable(
                name: "alert_outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IdempotencyKey = table.Column<string>(type: "TEXT", nullable: false),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EnqueuedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    DeliveredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "alert_silences",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WatchId = table.Column<string>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", nullable: true),
                    GroupKey = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Until = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_silences", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    IncidentKey = table.Column<string>(type: "TEXT", nullable: false),
                    WatchId = table.Column<string>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    GroupKey = table.Column<string>(type: "TEXT", nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    NotifiedSeverity = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastFiredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClearSince = table.Column<long>(type: "INTEGER", nullable: true),
                    LastNotifiedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    NotificationCount = table.Column<int>(type: "INTEGER", nullable: false),
                    AcknowledgedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", nullable: true),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolvedBy = table.Column<string>(type: "TEXT", nullable: true),
                    Summary = table.Column<string>(type: "TEXT", nullable: false),
                    Measured = table.Column<double>(type: "REAL", nullable: false),
                    PeakMeasured = table.Column<double>(type: "REAL", nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    EvidenceCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Baseline = table.Column<double>(type: "REAL", nullable: true),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    WindowEnd = table.Column<long>(type: "INTEGER", nullable: false),
                    TopTermsJson = table.Column<string>(type: "TEXT", nullable: false),
                    SamplesJson = table.Column<string>(type: "TEXT", nullable: false),
                    HeldUntilClear = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_evidence_At",
                table: "alert_evidence",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_alert_evidence_WatchId_At",
                table: "alert_evidence",
                columns: new[] { "WatchId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_alert_outbox_AlertId",
                table: "alert_outbox",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_alert_outbox_DeliveredAt_EnqueuedAt",
                table: "alert_outbox",
                columns: new[] { "DeliveredAt", "EnqueuedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_alert_outbox_IdempotencyKey",
                table: "alert_outbox",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_alert_silences_Until",
                table: "alert_silences",
                column: "Until");

            migrationBuilder.CreateIndex(
                name: "IX_alerts_IncidentKey",
                table: "alerts",
                column: "IncidentKey",
                unique: true,
                filter: "\"Status\" <> 2");

            migrationBuilder.CreateIndex(
                name: "IX_alerts_Status_Id",
                table: "alerts",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_WatchId_HeldUntilClear",
                table: "alerts",
                columns: new[] { "WatchId", "HeldUntilClear" });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_WatchId_Status",
                table: "alerts",
                columns: new[] { "WatchId", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_evidence");

            migrationBuilder.DropTable(
                name: "alert_outbox");

            migrationBuilder.DropTable(
                name: "alert_silences");

            migrationBuilder.DropTable(
                name: "alerts");
        }
    }
}
