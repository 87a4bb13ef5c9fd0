using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Alerting.Migrations
{
    /// <inheritdoc />
    public partial class BaselineHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "alert_evidence_history",
                columns: table => new
                {
                    WatchId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Since = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_evidence_history", x => new { x.WatchId, x.Scope });
                });

            // Evidence recorded before this table existed is history too: without it an upgrade
            // would make every baseline rule wait its whole history again.
            migrationBuilder.Sql("""
                INSERT INTO alert_evidence_history (WatchId, Scope, Since)
                SELECT WatchId, '', MIN("At") FROM alert_evidence GROUP BY WatchId;
                INSERT INTO alert_evidence_history (WatchId, Scope, Since)
                SELECT WatchId, 'source:' || Source, MIN("At") FROM alert_evidence GROUP BY WatchId, Source;
                INSERT INTO alert_evidence_history (WatchId, Scope, Since)
                SELECT WatchId, 'topic:' || COALESCE(Topic, 'none'), MIN("At") FROM alert_evidence GROUP BY WatchId, COALESCE(Topic, 'none');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_evidence_history");
        }
    }
}
