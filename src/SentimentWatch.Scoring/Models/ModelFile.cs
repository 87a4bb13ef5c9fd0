using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;

namespace SentimentWatch.Scoring.Models;

/// <summary>Reads and writes model zips: ML.NET's model plus a SentimentWatch manifest entry.</summary>
public static class ModelFile
{
    private const string ManifestEntry = "SentimentWatch/manifest.json";

    private static readonly JsonSerializerOptions ManifestJson = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <param name="extra">Further ML.NET models (a v2 sentiment model's neutral head), each saved as a zip inside the zip under its entry name.</param>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, ModelManifest manifest, string path,
        IReadOnlyDictionary<string, ITransformer>? extra = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        ml.Model.Save(model, inputSchema, path);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        WriteEntries(zip, ml, inputSchema, manifest, extra ?? new Dictionary<string, ITransformer>());
    }

    /// <summary>
    /// Adds further ML.NET models to a model zip written by <see cref="Save"/> and replaces its manifest; the entries already
    /// there stay byte for byte (the intent head joins a trained sentiment model, decision 210).
    /// </summary>
    public static void AddEntries(MLContext ml, string path, DataViewSchema inputSchema, ModelManifest manifest, IReadOnlyDictionary<string, ITransformer> extra)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        WriteEntries(zip, ml, inputSchema, manifest, extra);
    }

    /// <summary>Replaces a model zip's manifest; every other entry stays byte for byte (a genre's fitted bias, decision 214).</summary>
    public static void ReplaceManifest(string path, ModelManifest manifest)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(ManifestEntry)?.Delete();
        using var stream = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open();
        JsonSerializer.Serialize(stream, manifest, ManifestJson);
    }

    /// <summary>Writes (or replaces) each extra model as a zip inside the zip, then the manifest.</summary>
    private static void WriteEntries(ZipArchive zip, MLContext ml, DataViewSchema inputSchema, ModelManifest manifest, IReadOnlyDictionary<string, ITransformer> extra)
    {
        foreach (var (name, inner) in extra)
        {
            zip.GetEntry(name)?.Delete();
            using var buffer = new MemoryStream();
            ml.Model.Save(inner, inputSchema, buffer);
            // Already deflated inside: stored as is.
            using var innerStream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            innerStream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        zip.GetEntry(ManifestEntry)?.Delete();
        using var stream = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open();
        JsonSerializer.Serialize(stream, manifest, ManifestJson);
    }

    /// <summary>Loads an ML.NET model saved inside the model zip by <see cref="Save"/>'s <c>extra</c>.</summary>
    public static ITransformer LoadEntry(MLContext ml, string path, string setting, string entryName)
    {
        var fullPath = Path.GetFullPath(path);
        try
        {
            using var zip = ZipFile.OpenRead(fullPath);
            var entry = zip.GetEntry(entryName)
                ?? throw new ModelFileException($"{setting}: '{fullPath}' names a model entry '{entryName}' it does not hold; retrain it with the train verb.");
            using var buffer = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(buffer);
            }

            buffer.Position = 0;
            return ml.Model.Load(buffer, out _);
        }
        catch (ModelFileException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or InvalidOperationException or ArgumentException or NotSupportedException)
        {
            throw new ModelFileException($"{setting}: model entry '{entryName}' of '{fullPath}' is corrupt or unreadable ({e.Message}). Restore it or retrain with the train verb.", e);
        }
    }

    /// <summary>Reads only the manifest of a model zip.</summary>
    public static ModelManifest ReadManifest(string path, string setting)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ModelFileException($"{setting}: model file '{fullPath}' does not exist.");
        }

        try
        {
            using var zip = ZipFile.OpenRead(fullPath);
            var entry = zip.GetEntry(ManifestEntry)
                ?? throw new ModelFileException($"{setting}: '{fullPath}' is not a SentimentWatch model (no {ManifestEntry}); retrain it with the train verb.");
            using var stream = entry.Open();
            return JsonSerializer.Deserialize<ModelManifest>(stream, ManifestJson)
                ?? throw new ModelFileException($"{setting}: '{fullPath}' has an empty manifest; retrain it with the train verb.");
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JsonException)
        {
            throw new ModelFileException($"{setting}: model file '{fullPath}' is corrupt or unreadable ({e.Message}). Restore it or retrain with the train verb.", e);
        }
    }

    /// <summary>Loads a model zip, or throws <see cref="ModelFileException"/> naming <paramref name="setting"/> and the path.</summary>
    public static (ITransformer Model, ModelManifest Manifest) Load(MLContext ml, string path, string setting, string expectedKind)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new ModelFileException(
                $"{setting}: model file '{fullPath}' does not exist. Point {setting} at a model written by `train --data <dir> --output models/`.");
        }

        try
        {
            ModelManifest manifest;
            using (var zip = ZipFile.OpenRead(fullPath))
            {
                var entry = zip.GetEntry(ManifestEntry)
                    ?? throw new ModelFileException($"{setting}: '{fullPath}' is not a SentimentWatch model (no {ManifestEntry}); retrain it with the train verb.");
                using var stream = entry.Open();
                manifest = JsonSerializer.Deserialize<ModelManifest>(stream, ManifestJson)
                    ?? throw new ModelFileException($"{setting}: '{fullPath}' has an empty manifest; retrain it with the train verb.");
            }

            if (manifest.Kind != expectedKind)
            {
                throw new ModelFileException($"{setting}: '{fullPath}' is a {manifest.Kind} model, expected a {expectedKind} model.");
            }

            var model = ml.Model.Load(fullPath, out _);
            return (model, manifest);
        }
        catch (ModelFileException)
        {
            throw;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JsonException or FormatException
            or InvalidOperationException or ArgumentException or NotSupportedException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"{setting}: model file '{fullPath}' is corrupt or unreadable ({e.Message}). Restore it or retrain with the train verb.", e);
        }
    }
}
