using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Web.Identity;

/// <summary>
/// The keys that encrypt the console's session and anti-forgery cookies (decision 239). They are kept in the data
/// directory's <c>keys</c> folder, so sessions survive a restart and every worker sharing the folder reads them.
/// With <c>Console:KeyCertificate:Path</c> set, each key is encrypted at rest with that certificate (a PKCS#12 file
/// with its private key); without it, keys are written unencrypted, readable only by the service's user (the data
/// directory is created 0700, decision 238), and one information line says so instead of the framework's warning.
/// </summary>
public static class ConsoleKeys
{
    public const string FolderName = "keys";

    /// <summary>Registers the key ring in <paramref name="dataDirectory"/>, encrypted with the configured certificate when it loads.</summary>
    public static void AddConsoleKeys(this IServiceCollection services, string dataDirectory, ConsoleKeyCertificateOptions certificate)
    {
        var folder = Path.Combine(dataDirectory, FolderName);
        var builder = services.AddDataProtection()
            .SetApplicationName("SentimentWatch")
            .PersistKeysToFileSystem(new DirectoryInfo(folder));

        if (!certificate.Configured)
        {
            services.AddOptions<KeyManagementOptions>().Configure<ILoggerFactory>((options, loggers) =>
            {
                loggers.CreateLogger(typeof(ConsoleKeys)).LogInformation(
                    "Console cookie keys are kept unencrypted in {KeyFolder}, readable only by the service's user; set Console:KeyCertificate:Path to encrypt them with a certificate",
                    folder);
                options.XmlEncryptor = new NullXmlEncryptor();
            });
            return;
        }

        // A certificate that does not load is left to ConsoleOptionsValidator, which stops the start naming the setting.
        if (Load(certificate, out var loaded) is null)
        {
            builder.ProtectKeysWithCertificate(loaded!);
            services.AddSingleton(sp => new ConsoleKeyEncryption(sp.GetRequiredService<IKeyManager>(), folder, sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<ILogger<ConsoleKeyEncryption>>()));
            services.AddHostedService(sp => sp.GetRequiredService<ConsoleKeyEncryption>());
            if (certificate.Previous is { Configured: true } previous && Load(previous, out var retired, "Previous:") is null)
            {
                // Keys written under the certificate being replaced stay readable, so a rotation signs nobody out.
                builder.UnprotectKeysWithAnyCertificate(retired!);
            }
        }
    }

    /// <summary>Loads the configured certificate; returns why it cannot serve (null when it can).</summary>
    /// <param name="under">The sub-section the certificate was given in (<c>Previous:</c> for the one being replaced), named in the message.</param>
    public static string? Load(ConsoleKeyCertificateOptions options, out X509Certificate2? certificate, string under = "")
    {
        certificate = null;
        var setting = (ConsoleOptions.SectionName + ":KeyCertificate:" + under).TrimEnd(':');
        var environment = setting.Replace(":", "__", StringComparison.Ordinal);
        if (!File.Exists(options.Path))
        {
            return $"{setting}:Path names no readable file (was '{options.Path}')";
        }

        try
        {
            // The private key is kept in memory only; macOS has no ephemeral key sets.
            var storage = OperatingSystem.IsMacOS() ? X509KeyStorageFlags.DefaultKeySet : X509KeyStorageFlags.EphemeralKeySet;
            var candidate = X509CertificateLoader.LoadPkcs12FromFile(options.Path, options.Password, storage);
            if (!candidate.HasPrivateKey)
            {
                candidate.Dispose();
                return $"{setting}:Path must be a PKCS#12 (.pfx) file holding the certificate's private key, needed to read the keys back (was '{options.Path}')";
            }

            if (candidate.GetRSAPrivateKey() is null)
            {
                candidate.Dispose();
                return $"{setting}:Path must hold an RSA certificate: the key ring's XML encryption wraps keys with RSA (was '{options.Path}')";
            }

            certificate = candidate;
            return null;
        }
        catch (CryptographicException e)
        {
            return $"{setting}:Path could not be read as a PKCS#12 (.pfx) certificate with {setting}:Password ({e.Message.TrimEnd('.')}); "
                + $"give its password in {environment}__Password";
        }
        catch (IOException e)
        {
            return $"{setting}:Path could not be read ({e.Message.TrimEnd('.')})";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"{setting}:Path could not be read ({e.Message.TrimEnd('.')})";
        }
    }
}

/// <summary>
/// A certificate that encrypts the console's cookie keys at rest (section <c>Console:KeyCertificate</c>). Replacing it
/// makes keys written under the old one unreadable (people sign in again) unless the old one is given as <see cref="Previous"/>.
/// </summary>
public sealed class ConsoleKeyCertificateOptions
{
    /// <summary>A PKCS#12 (.pfx) file with an RSA certificate and its private key.</summary>
    public string? Path { get; set; }

    /// <summary>The file's password: from the environment or a secret store, never from the repository.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The certificate being replaced, while keys written under it may still be in use (the key ring rotates every 90 days):
    /// it only reads keys back, never encrypts new ones. Without it, replacing the certificate signs everyone out.
    /// </summary>
    public ConsoleKeyCertificateOptions? Previous { get; set; }

    public bool Configured => !string.IsNullOrWhiteSpace(Path);
}

/// <summary>
/// With a certificate configured on an install whose current key was written in the clear (before the setting, or by a
/// build without it), new sessions would go on using that clear key until it expires, up to 90 days. At start-up this writes
/// a new key, encrypted, that becomes the current one at once; cookies made with the old key still read until it expires.
/// </summary>
public sealed class ConsoleKeyEncryption(IKeyManager keys, string folder, TimeProvider clock, ILogger<ConsoleKeyEncryption> logger) : IHostedService
{
    /// <summary>The key lifetime data protection gives a key by default.</summary>
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(90);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureCurrentKeyEncrypted();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes an encrypted key when the key new cookies would use is in the clear; returns the new key's id, or null.</summary>
    public Guid? EnsureCurrentKeyEncrypted()
    {
        var now = clock.GetUtcNow();
        var current = keys.GetAllKeys()
            .Where(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now)
            .OrderByDescending(k => k.ActivationDate)
            .FirstOrDefault();
        if (current is null || !InTheClear(current.KeyId))
        {
            return null;
        }

        var replacement = keys.CreateNewKey(now, now + KeyLifetime);
        logger.LogInformation(
            "Console cookie key {OldKey} in {KeyFolder} was written unencrypted; new sessions now use key {NewKey}, encrypted with Console:KeyCertificate. "
            + "Sessions made with the old key still work until it expires on {Expires:yyyy-MM-dd}; delete its file then, or now to sign everyone out",
            current.KeyId, folder, replacement.KeyId, current.ExpirationDate);
        return replacement.KeyId;
    }

    /// <summary>
    /// Whether a key's file holds its secret in the clear: its master key readable as XML. Written with no encryptor, or with
    /// the explicit null encryptor of a service without a certificate (inside an <c>unencryptedKey</c> element); under a
    /// certificate the master key is inside the cipher text.
    /// </summary>
    private bool InTheClear(Guid keyId)
    {
        var file = Path.Combine(folder, $"key-{keyId:D}.xml");
        if (!File.Exists(file))
        {
            return false;
        }

        var xml = System.Xml.Linq.XDocument.Load(file);
        return xml.Descendants().Any(e => e.Name.LocalName == "masterKey");
    }
}
