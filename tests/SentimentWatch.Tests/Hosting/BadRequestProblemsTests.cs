using SentimentWatch.Hosting;

namespace SentimentWatch.Tests.Hosting;

public sealed class BadRequestProblemsTests
{
    [Theory]
    [InlineData("int", "a whole number (no quotes, no decimals)")]
    [InlineData("Nullable<int>", "a whole number (no quotes, no decimals)")]
    [InlineData("int?", "a whole number (no quotes, no decimals)")]
    [InlineData("System.Nullable`1[System.Int64]", "a whole number (no quotes, no decimals)")]
    [InlineData("Nullable<long>", "a whole number (no quotes, no decimals)")]
    [InlineData("Nullable<double>", "a number")]
    [InlineData("Nullable<bool>", "true or false")]
    [InlineData("Nullable<DateTimeOffset>", "a date-time string in ISO 8601 with an offset, e.g. \"2026-11-20T14:03:00+08:00\"")]
    [InlineData("System.Nullable<System.TimeSpan>", "a duration string such as \"01:30:00\" (hours:minutes:seconds) or \"1.00:00:00\" (one day)")]
    [InlineData("Nullable<Guid>", "an id such as \"3f2504e0-4f89-11d3-9a0c-0305e82c3301\"")]
    [InlineData("SilenceRequest", "a JSON object of the documented shape")]
    public void PlainType_NamesNullableValueTypesAsTheirValueType(string type, string expected) =>
        BadRequestProblems.PlainType(type).ShouldBe(expected);
}
