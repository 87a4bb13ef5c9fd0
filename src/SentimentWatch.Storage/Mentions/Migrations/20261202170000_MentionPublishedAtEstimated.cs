using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace SentimentWatch.Storage.Mentions.Migrations
{
    /// <summary>Marks mentions whose published time is the collection time (the origin printed none readable).</summary>
    [DbContext(typeof(MentionLedgerDbContext))]
    [Migration("20261202170000_MentionPublishedAtEstimated")]
    public partial class MentionPublishedAtEstimated : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "PublishedAtEstimated",
                table: "mentions",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "PublishedAtEstimated",
                table: "mentions");
        }
    }
}
