using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.StaticFiles;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// The console's CSS, script and vendored Chart.js, embedded in the assembly and served from
/// memory at <c>/assets/…</c>: nothing to deploy beside the binary, nothing from a CDN. Links
/// carry a content hash (<see cref="Url"/>), so browsers may keep a file for a year.
/// </summary>
public sealed class ConsoleAssets
{
    private const string Prefix = "console-assets/";
    private readonly Dictionary<string, (byte[] Content, string ContentType, string Hash)> _files = new(StringComparer.Ordinal);

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var path = name[Prefix.Length..].Replace('\\', '/');
            if (!types.TryGetContentType(path, out var type))
            {
                type = "text/plain";
            }

            if (type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("javascript", StringComparison.Ordinal))
            {
                type += "; charset=utf-8";
            }

            _files[path] = (content, type, Convert.ToHexStringLower(SHA256.HashData(content))[..12]);
        }
    }

    /// <summary>The URL of an asset with its content hash, e.g. <c>/assets/console.css?v=1a2b…</c>.</summary>
    public string Url(string path) => _files.TryGetValue(path, out var file) ? $"/assets/{path}?v={file.Hash}" : $"/assets/{path}";

    internal void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/assets/{**path}", (string path, HttpContext context) =>
        {
            if (!_files.TryGetValue(path, out var file))
            {
                return Results.NotFound();
            }

            var etag = $"\"{file.Hash}\"";
            context.Response.Headers.ETag = etag;
            context.Response.Headers.CacheControl = context.Request.Query.ContainsKey("v") ? "public, max-age=31536000, immutable" : "no-cache";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            if (context.Request.Headers.IfNoneMatch.ToString() == etag)
            {
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            return Results.Bytes(file.Content, file.ContentType);
        }).AllowAnonymous().ExcludeFromDescription();

    internal IEnumerable<string> Paths => _files.Keys;

    internal static Assembly Assembly => typeof(ConsoleAssets).Assembly;
}
