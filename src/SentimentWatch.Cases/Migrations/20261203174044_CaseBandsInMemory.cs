using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Cases.Migrations
{
    /// <inheritdoc />
    public partial class CaseBandsInMemory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_case_mentions_Band0",
                table: "case_mentions");

            migrationBuilder.DropIndex(
                name: "IX_case_mentions_Band1",
                table: "case_mentions");

            migrationBuilder.DropIndex(
                name: "IX_case_mentions_Band2",
                table: "case_mentions");

            migrationBuilder.DropIndex(
                name: "IX_case_mentions_Band3",
                table: "case_mentions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
        }
    }
}
