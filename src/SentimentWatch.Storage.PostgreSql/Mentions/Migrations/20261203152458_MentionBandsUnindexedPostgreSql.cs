using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Mentions
{
    /// <inheritdoc />
    public partial class MentionBandsUnindexedPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_mentions_Band0",
                table: "mentions");

            migrationBuilder.DropIndex(
                name: "IX_mentions_Band1",
                table: "mentions");

            migrationBuilder.DropIndex(
                name: "IX_mentions_Band2",
                table: "mentions");

            migrationBuilder.DropIndex(
                name: "IX_mentions_Band3",
                table: "mentions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_mentions_Band0",
                table: "mentions",
                column: "Band0");

            migrationBuilder.CreateIndex(
                name: "IX_mentions_Band1",
                table: "mentions",
                column: "Band1");

            migrationBuilder.CreateIndex(
                name: "IX_mentions_Band2",
                table: "mentions",
                column: "Band2");

            migrationBuilder.CreateIndex(
                name: "IX_mentions_Band3",
                table: "mentions",
                column: "Band3");
        }
    }
}
