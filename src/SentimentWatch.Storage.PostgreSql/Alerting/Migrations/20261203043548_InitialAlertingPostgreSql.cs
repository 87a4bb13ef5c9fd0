using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Alerting
{
    /// <inheritdoc />
    public partial class InitialAlertingPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_evidence",
                columns: table => new
                {
                    WatchId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    MentionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Sentiment = table.Column<int>(type: "integer", nullable: true),
                    Source = table.Column<string>(type: "text", nullable: false),
                    Topic = table.Column<string>(type: "text", nullable: true),
                    Author = table.Column<string>(type: "text", nullable: true),
                    Reach = table.Column<long>(type: "bigint", nullable: false),
                    RiskTerms = table.Column<string>(type: "text", nullable: false),
                    Url = table.Column<string>(type: "text", nullable: true),
                    Excerpt = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_evidence", x => new { x.WatchId, x.MentionId });
                });

            migrationBuilder.CreateTable(
                name: "alert_evidence_history",
                columns: table => new
                {
                    WatchId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Scope = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Since = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_evidence_history", x => new { x.WatchId, x.Scope });
                });

            migrationBuilder.CreateTable(
                name: "alert_mentions",
                columns: table => new
                {
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    MentionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_mentions", x => new { x.AlertId, x.MentionId });
                });

            migrationBuilder.CreateTable(
                name: "alert_outbox",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IdempotencyKey = table.Column<string>(type: "text", nullable: false),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Payload = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    EnqueuedAt = table.Column<long>(type: "bigint", nullable: true),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    DeliveredAt = table.Column<long>(type: "bigint", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_outbox", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "alert_silences",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    WatchId = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: true),
                    GroupKey = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Until = table.Column<long>(type: "bigint", nullable: false),
                    CreatedBy = table.Column<string>(type: "text", nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: true),
                    AlertId = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_silences", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    IncidentKey = table.Column<string>(type: "text", nullable: false),
                    WatchId = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    GroupKey = table.Column<string>(type: "text", nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    NotifiedSeverity = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    OpenedAt = table.Column<long>(type: "bigint", nullable: false),
                    LastFiredAt = table.Column<long>(type: "bigint", nullable: false),
                    ClearSince = table.Column<long>(type: "bigint", nullable: true),
                    LastNotifiedAt = table.Column<long>(type: "bigint", nullable: true),
                    NotificationCount = table.Column<int>(type: "integer", nullable: false),
                    AcknowledgedAt = table.Column<long>(type: "bigint", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "text", nullable: true),
                    ResolvedAt = table.Column<long>(type: "bigint", nullable: true),
                    ResolvedBy = table.Column<string>(type: "text", nullable: true),
                    Summary = table.Column<string>(type: "text", nullable: false),
                    Measured = table.Column<double>(type: "double precision", nullable: false),
                    PeakMeasured = table.Column<double>(type: "double precision", nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    EvidenceCount = table.Column<int>(type: "integer", nullable: false),
                    Baseline = table.Column<double>(type: "double precision", nullable: true),
                    WindowStart = table.Column<long>(type: "bigint", nullable: false),
                    WindowEnd = table.Column<long>(type: "bigint", nullable: false),
                    TopTermsJson = table.Column<string>(type: "text", nullable: false),
                    SamplesJson = table.Column<string>(type: "text", nullable: false),
                    ReadingJson = table.Column<string>(type: "text", nullable: true),
                    PeakNegatives = table.Column<int>(type: "integer", nullable: false),
                    HeldUntilClear = table.Column<bool>(type: "boolean", nullable: false),
                    PlannedSeverity = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "staff_notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DedupKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Title = table.Column<string>(type: "text", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Link = table.Column<string>(type: "text", nullable: true),
                    Recipients = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    AlertId = table.Column<long>(type: "bigint", nullable: true),
                    WatchId = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff_notices", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "alert_signals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    SignalKey = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    PeakSeverity = table.Column<int>(type: "integer", nullable: false),
                    Measured = table.Column<double>(type: "double precision", nullable: false),
                    PeakMeasured = table.Column<double>(type: "double precision", nullable: false),
                    Threshold = table.Column<double>(type: "double precision", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Baseline = table.Column<double>(type: "double precision", nullable: true),
                    Summary = table.Column<string>(type: "text", nullable: false),
                    WindowStart = table.Column<long>(type: "bigint", nullable: false),
                    WindowEnd = table.Column<long>(type: "bigint", nullable: false),
                    FirstFiredAt = table.Column<long>(type: "bigint", nullable: false),
                    LastFiredAt = table.Column<long>(type: "bigint", nullable: false),
                    ClearSince = table.Column<long>(type: "bigint", nullable: true),
                    ClearedAt = table.Column<long>(type: "bigint", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "alert_steps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    StepId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PlaybookId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "text", nullable: false),
                    Owner = table.Column<string>(type: "text", nullable: false),
                    Contact = table.Column<string>(type: "text", nullable: true),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    DoneAt = table.Column<long>(type: "bigint", nullable: true),
                    DoneBy = table.Column<string>(type: "text", nullable: true),
                    Note = table.Column<string>(type: "text", nullable: true),
                    ReopenCount = table.Column<int>(type: "integer", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    ChecklistJson = table.Column<string>(type: "text", nullable: false)
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
                name: "alert_timeline",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_timeline", x => x.Id);
                    table.ForeignKey(
                        name: "FK_alert_timeline_alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "alert_step_reminders",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    StepRowId = table.Column<long>(type: "bigint", nullable: false),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    Cycle = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    DedupKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Title = table.Column<string>(type: "text", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Recipients = table.Column<string>(type: "text", nullable: false),
                    NotifiedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: true)
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
                name: "IX_alert_evidence_At",
                table: "alert_evidence",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_alert_evidence_WatchId_At",
                table: "alert_evidence",
                columns: new[] { "WatchId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_alert_mentions_MentionId",
                table: "alert_mentions",
                column: "MentionId");

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
                name: "IX_alert_signals_AlertId_SignalKey",
                table: "alert_signals",
                columns: new[] { "AlertId", "SignalKey" });

            migrationBuilder.CreateIndex(
                name: "IX_alert_silences_Until",
                table: "alert_silences",
                column: "Until");

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

            migrationBuilder.CreateIndex(
                name: "IX_alert_timeline_AlertId_Id",
                table: "alert_timeline",
                columns: new[] { "AlertId", "Id" });

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

            migrationBuilder.CreateIndex(
                name: "IX_staff_notices_AlertId",
                table: "staff_notices",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_staff_notices_DedupKey",
                table: "staff_notices",
                column: "DedupKey",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_evidence");

            migrationBuilder.DropTable(
                name: "alert_evidence_history");

            migrationBuilder.DropTable(
                name: "alert_mentions");

            migrationBuilder.DropTable(
                name: "alert_outbox");

            migrationBuilder.DropTable(
                name: "alert_signals");

            migrationBuilder.DropTable(
                name: "alert_silences");

            migrationBuilder.DropTable(
                name: "alert_step_reminders");

            migrationBuilder.DropTable(
                name: "alert_timeline");

            migrationBuilder.DropTable(
                name: "staff_notices");

            migrationBuilder.DropTable(
                name: "alert_steps");

            migrationBuilder.DropTable(
                name: "alerts");
        }
    }
}
