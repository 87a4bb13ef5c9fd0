namespace SentimentWatch.Alerting.Tests.Playbooks;

/// <summary>The incident record's CSV cells cannot run as spreadsheet formulas, like the mention and case exports' cells.</summary>
public sealed class IncidentRecordCsvTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"https://evil.example\")", "\"'=HYPERLINK(\"\"https://evil.example\"\")\"")]
    [InlineData("+1 call me", "'+1 call me")]
    [InlineData("\t=1+1", "'\t=1+1")]
    [InlineData("\r=1+1", "\"'\r=1+1\"")]
    [InlineData("holding statement posted", "holding statement posted")]
    public void A_cell_that_a_spreadsheet_would_run_is_quoted_as_text(string value, string cell) =>
        IncidentRecord.Quote(value).ShouldBe(cell);
}
