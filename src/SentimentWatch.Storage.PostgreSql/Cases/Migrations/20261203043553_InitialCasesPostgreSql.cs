using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Cases
{
    /// <inheritdoc />
    public partial class InitialCasesPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_alert_links",
                columns: table => new
                {
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    AlertId = table.Column<long>(type: "bigint", nullable: false),
                    LinkedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_alert_links", x => new { x.CaseId, x.AlertId });
                });

            migrationBuilder.CreateTable(
                name: "case_assignment_cursors",
                columns: table => new
                {
                    Team = table.Column<string>(type: "text", nullable: false),
                    LastAgent = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_assignment_cursors", x => x.Team);
                });

            migrationBuilder.CreateTable(
                name: "case_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Who = table.Column<string>(type: "text", nullable: false),
                    What = table.Column<string>(type: "text", nullable: false),
                    Before = table.Column<string>(type: "text", nullable: true),
                    After = table.Column<string>(type: "text", nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_follow_ups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    Cycle = table.Column<int>(type: "integer", nullable: false),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    DoneAt = table.Column<long>(type: "bigint", nullable: true),
                    DoneBy = table.Column<string>(type: "text", nullable: true),
                    Satisfaction = table.Column<int>(type: "integer", nullable: true),
                    Comment = table.Column<string>(type: "text", nullable: true),
                    RemindedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_follow_ups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_mentions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    MentionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    WatchId = table.Column<string>(type: "text", nullable: false),
                    Source = table.Column<string>(type: "text", nullable: false),
                    ThreadKey = table.Column<string>(type: "text", nullable: true),
                    Author = table.Column<string>(type: "text", nullable: true),
                    Url = table.Column<string>(type: "text", nullable: true),
                    Title = table.Column<string>(type: "text", nullable: true),
                    Excerpt = table.Column<string>(type: "text", nullable: false),
                    Topic = table.Column<string>(type: "text", nullable: true),
                    Negative = table.Column<float>(type: "real", nullable: false),
                    Fingerprint = table.Column<long>(type: "bigint", nullable: false),
                    Band0 = table.Column<int>(type: "integer", nullable: false),
                    Band1 = table.Column<int>(type: "integer", nullable: false),
                    Band2 = table.Column<int>(type: "integer", nullable: false),
                    Band3 = table.Column<int>(type: "integer", nullable: false),
                    PublishedAt = table.Column<long>(type: "bigint", nullable: false),
                    AttachedAt = table.Column<long>(type: "bigint", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_mentions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_notes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    By = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_notes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_replies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    By = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    RecordedAt = table.Column<long>(type: "bigint", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_replies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_sla_signals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    CaseId = table.Column<long>(type: "bigint", nullable: false),
                    Clock = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    Cycle = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    DueAt = table.Column<long>(type: "bigint", nullable: false),
                    DedupKey = table.Column<string>(type: "text", nullable: false),
                    Title = table.Column<string>(type: "text", nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Recipients = table.Column<string>(type: "text", nullable: false),
                    NotifiedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_sla_signals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    WatchId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Title = table.Column<string>(type: "text", nullable: false),
                    Category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    IsOpen = table.Column<bool>(type: "boolean", nullable: false),
                    Team = table.Column<string>(type: "text", nullable: true),
                    Owner = table.Column<string>(type: "text", nullable: true),
                    Author = table.Column<string>(type: "text", nullable: true),
                    AuthorKey = table.Column<string>(type: "text", nullable: true),
                    Source = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    DirectComplaint = table.Column<bool>(type: "boolean", nullable: false),
                    Negative = table.Column<float>(type: "real", nullable: false),
                    Reach = table.Column<long>(type: "bigint", nullable: false),
                    RiskTerms = table.Column<string>(type: "text", nullable: false),
                    OpenedAt = table.Column<long>(type: "bigint", nullable: false),
                    ClockStartedAt = table.Column<long>(type: "bigint", nullable: false),
                    LastMentionAt = table.Column<long>(type: "bigint", nullable: false),
                    UpdatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Calendar = table.Column<string>(type: "text", nullable: false),
                    FirstResponseTarget = table.Column<long>(type: "bigint", nullable: false),
                    ResolutionTarget = table.Column<long>(type: "bigint", nullable: false),
                    FirstResponseDueAt = table.Column<long>(type: "bigint", nullable: true),
                    ResolutionDueAt = table.Column<long>(type: "bigint", nullable: true),
                    PausedAt = table.Column<long>(type: "bigint", nullable: true),
                    PausedWorking = table.Column<long>(type: "bigint", nullable: false),
                    FirstResponseAt = table.Column<long>(type: "bigint", nullable: true),
                    FirstResponseWorking = table.Column<long>(type: "bigint", nullable: true),
                    FirstResponseBreached = table.Column<bool>(type: "boolean", nullable: false),
                    ResolvedAt = table.Column<long>(type: "bigint", nullable: true),
                    ResolutionWorking = table.Column<long>(type: "bigint", nullable: true),
                    ResolutionBreached = table.Column<bool>(type: "boolean", nullable: false),
                    ClosedAt = table.Column<long>(type: "bigint", nullable: true),
                    DueKey = table.Column<long>(type: "bigint", nullable: false),
                    ResolutionSummary = table.Column<string>(type: "text", nullable: true),
                    RootCause = table.Column<string>(type: "text", nullable: true),
                    MergedIntoId = table.Column<long>(type: "bigint", nullable: true),
                    ReopenCount = table.Column<int>(type: "integer", nullable: false),
                    Satisfaction = table.Column<int>(type: "integer", nullable: true),
                    SatisfactionComment = table.Column<string>(type: "text", nullable: true),
                    AlertId = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cases", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_case_alert_links_AlertId",
                table: "case_alert_links",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_case_audit_CaseId_Id",
                table: "case_audit",
                columns: new[] { "CaseId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_case_follow_ups_CaseId_Cycle",
                table: "case_follow_ups",
                columns: new[] { "CaseId", "Cycle" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_follow_ups_DoneAt_DueAt",
                table: "case_follow_ups",
                columns: new[] { "DoneAt", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_Band0",
                table: "case_mentions",
                column: "Band0");

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_Band1",
                table: "case_mentions",
                column: "Band1");

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_Band2",
                table: "case_mentions",
                column: "Band2");

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_Band3",
                table: "case_mentions",
                column: "Band3");

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_CaseId",
                table: "case_mentions",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_MentionId",
                table: "case_mentions",
                column: "MentionId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_mentions_ThreadKey",
                table: "case_mentions",
                column: "ThreadKey");

            migrationBuilder.CreateIndex(
                name: "IX_case_notes_CaseId",
                table: "case_notes",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_case_replies_CaseId",
                table: "case_replies",
                column: "CaseId");

            migrationBuilder.CreateIndex(
                name: "IX_case_sla_signals_CaseId_Clock_Kind_Cycle",
                table: "case_sla_signals",
                columns: new[] { "CaseId", "Clock", "Kind", "Cycle" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_sla_signals_DedupKey",
                table: "case_sla_signals",
                column: "DedupKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_case_sla_signals_NotifiedAt",
                table: "case_sla_signals",
                column: "NotifiedAt");

            migrationBuilder.CreateIndex(
                name: "IX_cases_AlertId",
                table: "cases",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_cases_ClockStartedAt",
                table: "cases",
                column: "ClockStartedAt");

            migrationBuilder.CreateIndex(
                name: "IX_cases_IsOpen_Priority_DueKey_Id",
                table: "cases",
                columns: new[] { "IsOpen", "Priority", "DueKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_metrics_backlog",
                table: "cases",
                columns: new[] { "IsOpen", "FirstResponseBreached", "ResolutionBreached", "DueKey", "Category", "Team", "Owner", "WatchId" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_metrics_period",
                table: "cases",
                columns: new[] { "OpenedAt", "MergedIntoId", "Status", "IsOpen", "FirstResponseWorking", "ResolutionWorking", "ResolvedAt", "FirstResponseBreached", "ResolutionBreached", "DueKey", "ReopenCount", "Satisfaction", "Category", "Team", "Owner", "WatchId" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Owner_IsOpen",
                table: "cases",
                columns: new[] { "Owner", "IsOpen" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Priority_DueKey_Id",
                table: "cases",
                columns: new[] { "Priority", "DueKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Status_Priority_DueKey_Id",
                table: "cases",
                columns: new[] { "Status", "Priority", "DueKey", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_Team_IsOpen",
                table: "cases",
                columns: new[] { "Team", "IsOpen" });

            migrationBuilder.CreateIndex(
                name: "IX_cases_WatchId_AuthorKey_Status",
                table: "cases",
                columns: new[] { "WatchId", "AuthorKey", "Status" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "case_alert_links");

            migrationBuilder.DropTable(
                name: "case_assignment_cursors");

            migrationBuilder.DropTable(
                name: "case_audit");

            migrationBuilder.DropTable(
                name: "case_follow_ups");

            migrationBuilder.DropTable(
                name: "case_mentions");

            migrationBuilder.DropTable(
                name: "case_notes");

            migrationBuilder.DropTable(
                name: "case_replies");

            migrationBuilder.DropTable(
                name: "case_sla_signals");

            migrationBuilder.DropTable(
                name: "cases");
        }
    }
}
