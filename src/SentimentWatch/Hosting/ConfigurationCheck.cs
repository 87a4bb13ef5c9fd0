using System.Collections;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using SentimentWatch.Core;
using SentimentWatch.Storage;

namespace SentimentWatch.Hosting;

/// <summary>
/// Every setting checked before the service starts, and every problem reported at once
/// (decision 083). The framework's binder drops a list item it cannot convert without a word
/// (<c>Alerting:Rules:0:Window=banana</c> silently removed the rule) and ignores keys no option
/// has (<c>Windw</c>), so the configuration is walked here against the options classes' shapes:
/// a value that does not convert, or a key nothing reads, is named with its value and the fix.
/// Then each options class's validator runs, and the data directory is tried for writing.
/// </summary>
public static partial class ConfigurationCheck
{
    /// <summary>All problems with the configuration, as lines an operator can act on; empty when it is usable.</summary>
    public static IReadOnlyList<string> Run(IConfiguration configuration, IServiceCollection services, IServiceProvider provider)
    {
        var failures = new List<string>();
        failures.AddRange(CheckUrls(configuration["Urls"]));

        var unbindable = new HashSet<Type>();
        foreach (var type in OptionsTypes(services))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is not string sectionName)
            {
                continue;
            }

            var section = configuration.GetSection(sectionName);
            var found = CheckSection(section, ShapeOf(type, section)).ToList();
            if (found.Count > 0)
            {
                unbindable.Add(type);
                failures.AddRange(found);
            }
        }

        // Validators of options that bound: a validator looking at defaults left by a failed
        // binding would only add noise.
        foreach (var type in OptionsTypes(services).Where(t => !unbindable.Contains(t)))
        {
            failures.AddRange(Validate(provider, type));
        }

        if (failures.Count == 0 && provider.GetService<IOptions<StorageOptions>>()?.Value is { } storage)
        {
            failures.AddRange(CheckDataDirectory(storage));
        }

        return failures;
    }

    /// <summary>The options classes the capabilities registered (configure, validate or change-token registrations).</summary>
    internal static IEnumerable<Type> OptionsTypes(IServiceCollection services) => services
        .Select(d => d.ServiceType)
        .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() is var g
            && (g == typeof(IConfigureOptions<>) || g == typeof(IValidateOptions<>) || g == typeof(IPostConfigureOptions<>)))
        .Select(t => t.GetGenericArguments()[0])
        .Where(t => t.Namespace?.StartsWith("SentimentWatch", StringComparison.Ordinal) == true)
        .Distinct();

    /// <summary>
    /// A section bound as a whole list into an options class's one collection property
    /// (<c>Watches</c>) is checked against that property's type.
    /// </summary>
    private static Type ShapeOf(Type type, IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count > 0 && children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var lists = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => ElementOf(p.PropertyType) is not null).ToList();
            if (lists.Count == 1)
            {
                return lists[0].PropertyType;
            }
        }

        return type;
    }

    internal static IEnumerable<string> CheckSection(IConfigurationSection section, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsLeaf(type))
        {
            foreach (var failure in CheckValue(section, type))
            {
                yield return failure;
            }

            yield break;
        }

        if (Opaque(type))
        {
            yield break;
        }

        if (DictionaryOf(type) is var (keyType, valueType))
        {
            foreach (var child in section.GetChildren())
            {
                if (!Converts(keyType, child.Key))
                {
                    yield return $"{child.Path}: '{child.Key}' is not {Describe(keyType)}";
                    continue;
                }

                foreach (var failure in CheckSection(child, valueType))
                {
                    yield return failure;
                }
            }

            yield break;
        }

        if (ElementOf(type) is { } element)
        {
            foreach (var child in section.GetChildren())
            {
                foreach (var failure in CheckSection(child, element))
                {
                    yield return failure;
                }
            }

            yield break;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null)
            .ToDictionary(KeyOf, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                yield return $"{child.Path} is not a setting{Suggest(child.Key, properties.Keys)}";
                continue;
            }

            foreach (var failure in CheckSection(child, property.PropertyType))
            {
                yield return failure;
            }
        }
    }

    private static IEnumerable<string> CheckValue(IConfigurationSection section, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;

        // An empty value leaves the default, as the binder does for an empty JSON string.
        if (string.IsNullOrEmpty(section.Value) || type == typeof(string) || Converts(type, section.Value))
        {
            yield break;
        }

        yield return $"{section.Path} '{section.Value}' is not {Describe(type)}";
    }

    /// <summary>Kestrel's URL forms: <c>scheme://host[:port][/]</c>; host may be <c>*</c>, <c>+</c>, a name, IPv4 or [IPv6].</summary>
    internal static IEnumerable<string> CheckUrls(string? urls)
    {
        if (string.IsNullOrWhiteSpace(urls))
        {
            yield break;
        }

        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = ListenUrl().Match(url);
            if (!match.Success)
            {
                yield return $"Urls '{url}' is not a URL to listen on; write it as http://127.0.0.1:5080 (scheme http or https, a host, a port; several separated by ';')";
            }
            else if (match.Groups["port"].Success && (!int.TryParse(match.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535))
            {
                yield return $"Urls '{url}' has port {match.Groups["port"].Value}, outside 0-65535; choose a free port such as 5080";
            }
        }
    }

    /// <summary>The data directory must be a folder the service can create and write: found now, not as a SQLite or Lucene error later.</summary>
    internal static IEnumerable<string> CheckDataDirectory(StorageOptions storage)
    {
        var directory = storage.ResolveDataDirectory();
        var setting = $"{StorageOptions.SectionName}:DataDirectory '{storage.DataDirectory}'";
        if (File.Exists(directory))
        {
            return [$"{setting} is a file ({directory}), not a folder; point it at a folder (it is created when missing)"];
        }

        try
        {
            StorageOptions.CreateDataDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [$"{setting} cannot be created ({directory}: {ex.Message}); create it, or choose a folder the service's user may write"];
        }

        var probe = Path.Combine(directory, $".write-check-{Environment.ProcessId}");
        try
        {
            File.WriteAllText(probe, "SentimentWatch checks at start that it can write here");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [$"{setting} is not writable ({directory}: {ex.Message}); make it writable for the service's user (a read-only disk cannot hold the state and index), or choose another folder"];
        }

        return [];
    }

    private static IEnumerable<string> Validate(IServiceProvider provider, Type type)
    {
        try
        {
            var options = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            return [];
        }
        catch (TargetInvocationException ex) when (ex.InnerException is OptionsValidationException invalid)
        {
            return invalid.Failures;
        }
        catch (TargetInvocationException ex) when (ex.InnerException is InvalidOperationException bind)
        {
            return [bind.Message];
        }
    }

    private static string KeyOf(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? property.Name;

    private static bool IsLeaf(Type type) =>
        type == typeof(string) || type.IsPrimitive || type.IsEnum
        || (type != typeof(object) && TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string)));

    /// <summary>Shapes the binder cannot check field by field (raw sections, abstract types, object).</summary>
    private static bool Opaque(Type type) =>
        type == typeof(object) || type.IsAbstract && ElementOf(type) is null && DictionaryOf(type) is null
        || typeof(IConfiguration).IsAssignableFrom(type);

    private static bool Converts(Type type, string value)
    {
        try
        {
            _ = TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or OverflowException or InvalidCastException)
        {
            return false;
        }
    }

    private static (Type Key, Type Value)? DictionaryOf(Type type)
    {
        var dictionary = new[] { type }.Concat(type.GetInterfaces())
            .FirstOrDefault(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(IDictionary<,>) || i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)));
        return dictionary?.GetGenericArguments() is [var key, var value] ? (key, value) : null;
    }

    private static Type? ElementOf(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return new[] { type }.Concat(type.GetInterfaces())
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0] is { } element && typeof(IEnumerable).IsAssignableFrom(type) ? element : null;
    }

    /// <summary>What a value of this type looks like, in an operator's words.</summary>
    internal static string Describe(Type type) => type switch
    {
        _ when type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong) || type == typeof(byte)
            => "a whole number (e.g. 10)",
        _ when type == typeof(double) || type == typeof(decimal) || type == typeof(float) => "a number (e.g. 0.7, with a dot)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(TimeSpan) => "a duration: hh:mm:ss (00:10:00 is ten minutes) or d.hh:mm:ss (1.00:00:00 is a day)",
        _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time (e.g. 2026-01-01T09:00:00+08:00)",
        _ when type == typeof(DateOnly) => "a date (e.g. 2026-01-01)",
        _ when type == typeof(TimeOnly) => "a time of day (e.g. 09:00)",
        _ when type == typeof(Uri) => "a URL (e.g. https://example.com/)",
        _ when type == typeof(Guid) => "an id such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        _ when type.IsEnum => $"one of: {string.Join(", ", Enum.GetNames(type))}",
        _ => $"a valid {type.Name}",
    };

    private static string Suggest(string key, IEnumerable<string> known)
    {
        var names = known.Order(StringComparer.Ordinal).ToList();
        var close = ClosestName.Of(key, names);
        return close is not null
            ? $"; did you mean '{close}'? (nothing reads this key, so it would be ignored)"
            : $"; nothing reads it, so it would be ignored. Settings here: {string.Join(", ", names)}";
    }

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+)(:(?<port>[^/]*))?/?$", RegexOptions.IgnoreCase)]
    private static partial Regex ListenUrl();
}
