using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace SentimentWatch.Storage.PostgreSql.Scoring
{
    /// <inheritdoc />
    public partial class InitialLabelCorrectionsPostgreSql : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "label_corrections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MentionId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    Language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Watches = table.Column<string>(type: "text", nullable: false),
                    OldSentiment = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    NewSentiment = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    OldTopic = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    NewTopic = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ModelSentiment = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ModelTopic = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ModelVersion = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    By = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_label_corrections", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_label_corrections_At",
                table: "label_corrections",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_label_corrections_MentionId_Id",
                table: "label_corrections",
                columns: new[] { "MentionId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "label_corrections");
        }
    }
}
