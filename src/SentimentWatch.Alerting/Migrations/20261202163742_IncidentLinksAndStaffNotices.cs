using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Alerting.Migrations
{
    /// <inheritdoc />
    public partial class IncidentLinksAndStaffNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_mentions",
                columns: table => new
                {
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    MentionId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_mentions", x => new { x.AlertId, x.MentionId });
                });

            migrationBuilder.CreateTable(
                name: "alert_timeline",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_timeline", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "staff_notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DedupKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Title = table.Column<string>(type: "TEXT", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    Link = table.Column<string>(type: "TEXT", nullable: true),
                    Recipients = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_staff_notices", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alert_mentions_MentionId",
                table: "alert_mentions",
                column: "MentionId");

            migrationBuilder.CreateIndex(
                name: "IX_alert_timeline_AlertId_Id",
                table: "alert_timeline",
                columns: new[] { "AlertId", "Id" });

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
                name: "alert_mentions");

            migrationBuilder.DropTable(
                name: "alert_timeline");

            migrationBuilder.DropTable(
                name: "staff_notices");
        }
    }
}
