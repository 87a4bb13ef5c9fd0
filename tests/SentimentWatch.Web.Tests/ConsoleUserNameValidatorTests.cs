using System.Text;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Tests;

/// <summary>Console user names of every script; Identity's default refused all but ASCII letters and digits.</summary>
public sealed class ConsoleUserNameValidatorTests
{
    [Theory]
    [InlineData("ada")]
    [InlineData("petra.k+pr@lumo")]
    [InlineData("张伟")]
    [InlineData("阿卜杜·热合曼")]
    [InlineData("Zoë")]
    [InlineData("प्रिया")]
    [InlineData("สมศักดิ์")]
    [InlineData("𠮷野")]
    [InlineData("Дмитрий")]
    [InlineData("Γιώργος")]
    [InlineData("li.wei张伟")]
    public void AcceptsNamesOfEveryScript(string name) => ConsoleUserNameValidator.IsValid(name).ShouldBeTrue(name);

    [Fact]
    public void AcceptsADecomposedName() => ConsoleUserNameValidator.IsValid("Zoe\u0308").ShouldBeTrue();

    [Theory]
    [InlineData("")]
    [InlineData("li wei")]
    [InlineData("ａｄａ")]
    [InlineData("ada\u200b")]
    [InlineData("ada\n")]
    [InlineData("<script>")]
    [InlineData("\u0301ada")]
    [InlineData("\u0430dmin")]
    [InlineData("ad\u03bfmin")]
    public void RefusesSpacesControlAndFormatCharactersAndCompatibilityLookalikes(string name) =>
        ConsoleUserNameValidator.IsValid(name).ShouldBeFalse(name);

    [Fact]
    public void RefusesNamesLongerThanIdentitysColumn()
    {
        ConsoleUserNameValidator.IsValid(new string('a', 256)).ShouldBeTrue();
        ConsoleUserNameValidator.IsValid(new string('a', 257)).ShouldBeFalse();
    }
}
