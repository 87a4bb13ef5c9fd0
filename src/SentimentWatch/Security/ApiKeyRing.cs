using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SentimentWatch.Core.Security;
using SentimentWatch.Storage;

namespace SentimentWatch.Security;

/// <summary>
/// The keys the API accepts. Keys are kept only as SHA-256 digests and compared in constant
/// time. With no key configured, an admin key is generated on first run and kept in the data
/// directory (owner-readable only), so a fresh install is never open and no key is committed.
/// </summary>
public sealed class ApiKeyRing
{
    public const string GeneratedKeyFileName = "admin-api-key.txt";

    private readonly (byte[] Digest, string Role, string Name)[] _keys;

    public ApiKeyRing(IOptions<ApiKeyOptions> options, IOptions<StorageOptions> storage, ILogger<ApiKeyRing> logger)
    {
        var configured = options.Value.ApiKeys;
        if (configured.Count > 0)
        {
            _keys = configured
                .Select((k, i) => (Digest(k.Key!.Trim()), k.Role!.Trim().ToLowerInvariant(), string.IsNullOrWhiteSpace(k.Name) ? DefaultName(k.Role!, i) : k.Name.Trim()))
                .ToArray();
            return;
        }

        GeneratedKeyPath = Path.Combine(storage.Value.ResolveDataDirectory(), GeneratedKeyFileName);
        var key = LoadOrCreate(GeneratedKeyPath, out var created);
        _keys = [(Digest(key), ApiRoles.Admin, "generated admin key")];
        if (created)
        {
            logger.LogWarning("No API key configured (Auth:ApiKeys): generated an admin key and saved it in {KeyPath}. Send it as the X-Api-Key header; configure your own keys to replace it", GeneratedKeyPath);
        }
        else
        {
            logger.LogInformation("No API key configured (Auth:ApiKeys): using the generated admin key in {KeyPath}", GeneratedKeyPath);
        }
    }

    /// <summary>
    /// Who a key without a configured Name is in audit trails and messages ("acknowledged by
    /// pr key 2"): its role and position, never the configuration path.
    /// </summary>
    public static string DefaultName(string role, int index) => $"{role.Trim().ToLowerInvariant()} key {index + 1}";

    /// <summary>Where the generated admin key is kept, when one is in use.</summary>
    public string? GeneratedKeyPath { get; }

    /// <summary>The role of the key, or null when it is not one of ours.</summary>
    public (string Role, string Name)? Find(string presented)
    {
        var digest = Digest(presented.Trim());
        (string, string)? match = null;

        // Every key is compared, match or not, so timing says nothing about which key nearly matched.
        foreach (var (known, role, name) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, known))
            {
                match = (role, name);
            }
        }

        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string LoadOrCreate(string path, out bool created)
    {
        created = false;
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length >= ApiKeyOptions.MinimumKeyLength)
            {
                return existing;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = "sw_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var temp = path + ".tmp";
        File.WriteAllText(temp, key + Environment.NewLine);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temp, path, overwrite: true);
        created = true;
        return key;
    }
}
