using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Cases
{
    /// <inheritdoc />
    public partial class SlaNoticesInOtherLanguagesPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RaisedFrom",
                table: "case_sla_signals",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RaisedTo",
                table: "case_sla_signals",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RaisedFrom",
                table: "case_sla_signals");

            migrationBuilder.DropColumn(
                name: "RaisedTo",
                table: "case_sla_signals");
        }
    }
}
