using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Cases.Migrations
{
    /// <inheritdoc />
    public partial class InitialCases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "case_alert_links",
                columns: table => new
                {
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    LinkedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_alert_links", x => new { x.CaseId, x.AlertId });
                });

            migrationBuilder.CreateTable(
                name: "case_assignment_cursors",
                columns: table => new
                {
                    Team = table.Column<string>(type: "TEXT", nullable: false),
                    LastAgent = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_assignment_cursors", x => x.Team);
                });

            migrationBuilder.CreateTable(
                name: "case_audit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Who = table.Column<string>(type: "TEXT", nullable: false),
                    What = table.Column<string>(type: "TEXT", nullable: false),
                    Before = table.Column<string>(type: "TEXT", nullable: true),
                    After = table.Column<string>(type: "TEXT", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_audit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_follow_ups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    Cycle = table.Column<int>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DoneAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DoneBy = table.Column<string>(type: "TEXT", nullable: true),
                    Satisfaction = table.Column<int>(type: "INTEGER", nullable: true),
                    Comment = table.Column<string>(type: "TEXT", nullable: true),
                    RemindedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_follow_ups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_mentions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    MentionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    WatchId = table.Column<string>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", nullable: false),
                    ThreadKey = table.Column<string>(type: "TEXT", nullable: true),
                    Author = table.Column<string>(type: "TEXT", nullable: true),
                    Url = table.Column<string>(type: "TEXT", nullable: true),
                    Title = table.Column<string>(type: "TEXT", nullable: true),
                    Excerpt = table.Column<string>(type: "TEXT", nullable: false),
                    Topic = table.Column<string>(type: "TEXT", nullable: true),
                    Negative = table.Column<float>(type: "REAL", nullable: false),
                    Fingerprint = table.Column<long>(type: "INTEGER", nullable: false),
                    Band0 = table.Column<int>(type: "INTEGER", nullable: false),
                    Band1 = table.Column<int>(type: "INTEGER", nullable: false),
                    Band2 = table.Column<int>(type: "INTEGER", nullable: false),
                    Band3 = table.Column<int>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    AttachedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_mentions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_notes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_notes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_replies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    By = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_replies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "case_sla_signals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CaseId = table.Column<long>(type: "INTEGER", nullable: false),
                    Clock = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Cycle = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DedupKey = table.Column<string>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Recipients = table.Column<string>(type: "TEXT", nullable: false),
                    NotifiedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_case_sla_signals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "cases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WatchId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    Category = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Priority = table.Column<int>(type: "INTEGER", nullable: false),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    IsOpen = table.Column<bool>(type: "INTEGER", nullable: false),
                    Team = table.Column<string>(type: "TEXT", nullable: true),
                    Owner = table.Column<string>(type: "TEXT", nullable: true),
                    Author = table.Column<string>(type: "TEXT", nullable: true),
                    AuthorKey = table.Column<string>(type: "TEXT", nullable: true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    DirectComplaint = table.Column<bool>(type: "INTEGER", nullable: false),
                    Negative = table.Column<float>(type: "REAL", nullable: false),
                    Reach = table.Column<long>(type: "INTEGER", nullable: false),
                    RiskTerms = table.Column<string>(type: "TEXT", nullable: false),
                    OpenedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ClockStartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastMentionAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Calendar = table.Column<string>(type: "TEXT", nullable: false),
                    FirstResponseTarget = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolutionTarget = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstResponseDueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionDueAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PausedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PausedWorking = table.Column<long>(type: "INTEGER", nullable: false),
                    FirstResponseAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstResponseWorking = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstResponseBreached = table.Column<bool>(type: "INTEGER", nullable: false),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionWorking = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolutionBreached = table.Column<bool>(type: "INTEGER", nullable: false),
                    ClosedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DueKey = table.Column<long>(type: "INTEGER", nullable: false),
                    ResolutionSummary = table.Column<string>(type: "TEXT", nullable: true),
                    RootCause = table.Column<string>(type: "TEXT", nullable: true),
                    MergedIntoId = table.Column<long>(type: "INTEGER", nullable: true),
                    ReopenCount = table.Column<int>(type: "INTEGER", nullable: false),
                    Satisfaction = table.Column<int>(type: "INTEGER", nullable: true),
                    SatisfactionComment = table.Column<string>(type: "TEXT", nullable: true),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
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
                name: "IX_cases_OpenedAt",
                table: "cases",
                column: "OpenedAt");

            migrationBuilder.CreateIndex(
                name: "IX_cases_Owner_IsOpen",
                table: "cases",
                columns: new[] { "Owner", "IsOpen" });

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
