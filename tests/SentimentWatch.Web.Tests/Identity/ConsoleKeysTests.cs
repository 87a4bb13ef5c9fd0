using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentimentWatch.Web.Identity;

namespace SentimentWatch.Web.Tests.Identity;

/// <summary>
/// The console's cookie keys at rest (decision 239): encrypted with a configured certificate, so a copy of the keys folder
/// alone opens no session; unencrypted without one, said in one information line instead of the framework's warning. Real
/// ASP.NET Core data protection on a real keys folder, a real RSA certificate made for the test; no browser.
/// </summary>
public sealed class ConsoleKeysTests : IDisposable
{
    private const string CertificatePassword = "pfx-pass-7d1e";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sw-console-keys-" + Guid.NewGuid().ToString("N")[..12]);

    public ConsoleKeysTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void With_a_certificate_the_keys_on_disk_are_encrypted_and_only_that_certificate_reads_them_back()
    {
        var certificate = WriteCertificate("keys.pfx", CertificatePassword);
        var options = new ConsoleKeyCertificateOptions { Path = certificate, Password = CertificatePassword };
        var data = Path.Combine(_root, "data");

        string cookie;
        var log = new Lines();
        using (var services = Services(data, options, log))
        {
            cookie = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Protect("alice signed in");
        }

        var key = File.ReadAllText(Directory.GetFiles(Path.Combine(data, ConsoleKeys.FolderName), "key-*.xml").ShouldHaveSingleItem());
        key.ShouldContain("EncryptedData");
        key.ShouldNotContain("<value>", customMessage: "the master key's value element is only written in the clear");
        log.All.ShouldNotContain(l => l.Level >= LogLevel.Warning);

        // A restart with the same certificate reads the session back.
        using (var restarted = Services(data, options, new Lines()))
        {
            restarted.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(cookie).ShouldBe("alice signed in");
        }

        // The keys folder copied without the certificate opens nothing.
        using var withoutCertificate = Services(data, new ConsoleKeyCertificateOptions(), new Lines());
        Should.Throw<CryptographicException>(() => withoutCertificate.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(cookie));
    }

    [Fact]
    public void A_new_certificate_with_the_old_one_as_previous_keeps_sessions_and_without_it_ends_them()
    {
        var old = new ConsoleKeyCertificateOptions { Path = WriteCertificate("old.pfx", CertificatePassword), Password = CertificatePassword };
        var replacement = new ConsoleKeyCertificateOptions { Path = WriteCertificate("new.pfx", "new-pass-42"), Password = "new-pass-42" };
        var data = Path.Combine(_root, "data");
        string cookie;
        using (var services = Services(data, old, new Lines()))
        {
            cookie = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Protect("carol signed in");
        }

        using (var rotatedAlone = Services(data, replacement, new Lines()))
        {
            Should.Throw<CryptographicException>(() => rotatedAlone.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(cookie));
        }

        replacement.Previous = old;
        using var rotated = Services(data, replacement, new Lines());
        rotated.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(cookie).ShouldBe("carol signed in");
        new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { KeyCertificate = replacement }).Succeeded.ShouldBeTrue();

        replacement.Previous = new() { Path = old.Path, Password = "wrong" };
        var refusal = new ConsoleOptionsValidator().Validate(null, new ConsoleOptions { KeyCertificate = replacement }).Failures.ShouldHaveSingleItem();
        refusal.ShouldStartWith("Console:KeyCertificate:Previous:Path could not be read");
        refusal.ShouldContain("Console__KeyCertificate__Previous__Password");
    }

    [Fact]
    public async Task A_certificate_set_on_an_install_whose_key_is_in_the_clear_writes_an_encrypted_key_at_start_and_old_cookies_still_read()
    {
        var data = Path.Combine(_root, "data");
        string cookie;
        using (var before = Services(data, new ConsoleKeyCertificateOptions(), new Lines()))
        {
            cookie = before.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Protect("dan signed in");
        }

        var options = new ConsoleKeyCertificateOptions { Path = WriteCertificate("keys.pfx", CertificatePassword), Password = CertificatePassword };
        var log = new Lines();
        string fresh;
        using (var after = Services(data, options, log))
        {
            var hosted = after.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ConsoleKeyEncryption>().ShouldHaveSingleItem();
            await hosted.StartAsync(default);
            var protector = after.GetRequiredService<IDataProtectionProvider>().CreateProtector("session");
            protector.Unprotect(cookie).ShouldBe("dan signed in");
            fresh = protector.Protect("erin signed in");
        }

        var files = Directory.GetFiles(Path.Combine(data, ConsoleKeys.FolderName), "key-*.xml");
        files.Length.ShouldBe(2);
        files.Count(f => File.ReadAllText(f).Contains("EncryptedData", StringComparison.Ordinal)).ShouldBe(1);
        log.All.ShouldContain(l => l.Level == LogLevel.Information && l.Text.Contains("was written unencrypted", StringComparison.Ordinal));

        // The next start finds the current key encrypted and writes none.
        using var again = Services(data, options, new Lines());
        again.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<ConsoleKeyEncryption>().Single().EnsureCurrentKeyEncrypted().ShouldBeNull();
        Directory.GetFiles(Path.Combine(data, ConsoleKeys.FolderName), "key-*.xml").Length.ShouldBe(2);

        // The new cookie is made with the new key: a copy of the keys folder without the certificate cannot read it.
        var copy = Path.Combine(_root, "copy");
        Directory.CreateDirectory(Path.Combine(copy, ConsoleKeys.FolderName));
        foreach (var file in Directory.GetFiles(Path.Combine(data, ConsoleKeys.FolderName)))
        {
            File.Copy(file, Path.Combine(copy, ConsoleKeys.FolderName, Path.GetFileName(file)));
        }

        using var withoutCertificate = Services(copy, new ConsoleKeyCertificateOptions(), new Lines());
        Should.Throw<CryptographicException>(() => withoutCertificate.GetRequiredService<IDataProtectionProvider>().CreateProtector("session").Unprotect(fresh));
    }

    [Fact]
    public void Without_a_certificate_the_keys_are_written_in_the_clear_and_the_log_says_so_in_one_information_line()
    {
        var data = Path.Combine(_root, "data");
        var log = new Lines();
        using (var services = Services(data, new ConsoleKeyCertificateOptions(), log))
        {
            var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector("session");
            protector.Unprotect(protector.Protect("bob")).ShouldBe("bob");
        }

        File.ReadAllText(Directory.GetFiles(Path.Combine(data, ConsoleKeys.FolderName), "key-*.xml").ShouldHaveSingleItem()).ShouldContain("<value>");
        log.All.ShouldNotContain(l => l.Level >= LogLevel.Warning, "the framework's 'No XML encryptor configured' warning is replaced");
        var line = log.All.Where(l => l.Text.Contains("Console:KeyCertificate:Path", StringComparison.Ordinal)).ShouldHaveSingleItem();
        line.Level.ShouldBe(LogLevel.Information);
        line.Text.ShouldContain(Path.Combine(data, ConsoleKeys.FolderName));
    }

    [Fact]
    public void A_certificate_that_cannot_serve_stops_the_start_naming_the_setting_and_never_the_password()
    {
        var validator = new ConsoleOptionsValidator();
        var pfx = WriteCertificate("keys.pfx", CertificatePassword);

        string Refusal(ConsoleKeyCertificateOptions certificate)
        {
            var result = validator.Validate(null, new ConsoleOptions { KeyCertificate = certificate });
            result.Failed.ShouldBeTrue();
            return result.Failures.ShouldHaveSingleItem();
        }

        Refusal(new() { Path = Path.Combine(_root, "missing.pfx") }).ShouldStartWith("Console:KeyCertificate:Path names no readable file");
        var wrongPassword = Refusal(new() { Path = pfx, Password = "not-the-password" });
        wrongPassword.ShouldStartWith("Console:KeyCertificate:Path could not be read as a PKCS#12");
        wrongPassword.ShouldContain("Console__KeyCertificate__Password");
        wrongPassword.ShouldNotContain("not-the-password");

        // The public certificate alone (what a careless export gives) cannot read keys back.
        using var rsa = RSA.Create(2048);
        var publicOnly = Path.Combine(_root, "public.cer");
        File.WriteAllBytes(publicOnly, new CertificateRequest("CN=public", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)).Export(X509ContentType.Cert));
        Refusal(new() { Path = publicOnly }).ShouldStartWith("Console:KeyCertificate:Path");

        Refusal(new() { Previous = new() { Path = pfx, Password = CertificatePassword } }).ShouldStartWith("Console:KeyCertificate:Previous:Path is set but Console:KeyCertificate:Path is not");
        validator.Validate(null, new ConsoleOptions { KeyCertificate = new() { Path = pfx, Password = CertificatePassword } }).Succeeded.ShouldBeTrue();
    }

    private string WriteCertificate(string name, string password)
    {
        using var rsa = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=SentimentWatch console keys (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }

    private static ServiceProvider Services(string dataDirectory, ConsoleKeyCertificateOptions certificate, Lines log)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(log));
        services.AddConsoleKeys(dataDirectory, certificate);
        return services.BuildServiceProvider();
    }

    /// <summary>Every log line at information or above, with its level.</summary>
    private sealed class Lines : ILoggerProvider, ILogger
    {
        private readonly List<(LogLevel Level, string Text)> _lines = [];

        public IReadOnlyList<(LogLevel Level, string Text)> All
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add((logLevel, formatter(state, exception)));
            }
        }

        public void Dispose()
        {
        }
    }
}
