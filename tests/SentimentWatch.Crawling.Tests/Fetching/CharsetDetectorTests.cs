using System.Text;
using SentimentWatch.Crawling.Fetching;
using Shouldly;

namespace SentimentWatch.Crawling.Tests.Fetching;

public sealed class CharsetDetectorTests
{
    static CharsetDetectorTests() => CharsetDetector.EnsureCodePages();

    [Fact]
    public void Big5DeclaredInTheMetaDecodesTraditionalChinese()
    {
        var bytes = Encoding.GetEncoding("big5").GetBytes("<html><head><meta charset=\"big5\"></head><body>售後服務很差</body></html>");

        var (text, encoding) = CharsetDetector.Decode(bytes, headerCharset: null);

        text.ShouldContain("售後服務很差");
        encoding.WebName.ShouldBe("big5");
    }

    [Fact]
    public void TheHeaderCharsetWinsWhenTheBytesAgreeWithIt()
    {
        var bytes = Encoding.GetEncoding("GB18030").GetBytes("<html><body>电池鼓包</body></html>");

        CharsetDetector.Decode(bytes, "gb2312").Text.ShouldContain("电池鼓包");
    }

    [Fact]
    public void AByteOrderMarkOverridesEverythingElse()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("<meta charset=gbk>质量问题")).ToArray();

        CharsetDetector.Decode(bytes, "iso-8859-1").Text.ShouldBe("<meta charset=gbk>质量问题");
    }

    [Fact]
    public void UtfEightCutInsideACharacterByTheSizeCapIsStillRecognised()
    {
        var bytes = Encoding.UTF8.GetBytes("<p>质量问题</p>质");
        var cut = bytes[..^1]; // the last character loses its final byte

        var (text, encoding) = CharsetDetector.Decode(cut, headerCharset: null);

        encoding.WebName.ShouldBe("utf-8");
        text.ShouldStartWith("<p>质量问题</p>");
    }
}
