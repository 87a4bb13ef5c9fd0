using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SentimentWatch.Web.Tests;

/// <summary>
/// A minimal OpenID Connect provider on 127.0.0.1 — a stand-in (no real identity provider can run
/// on these machines), built only from the documented wire format: OpenID Connect Discovery 1.0
/// (<c>/.well-known/openid-configuration</c>), a JWK Set (RFC 7517) with one RSA key, the
/// authorization code flow of OpenID Connect Core 1.0 §3.1 with PKCE S256 (RFC 7636), an RS256
/// ID token (RFC 7519) and a UserInfo endpoint. Its sign-in page lists the known people; choosing one
/// redirects back with a single-use code. It checks what a real provider checks: client id and
/// secret, redirect URI, the code verifier against the challenge, a code used once.
/// </summary>
public sealed class MinimalOpenIdProvider : IAsyncDisposable
{
    public const string ClientId = "sentimentwatch-console";
    public const string ClientSecret = "minimal-provider-client-secret";
    private const string KeyId = "test-key-1";

    private readonly RSA _key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Person> _accessTokens = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public MinimalOpenIdProvider(IReadOnlyDictionary<string, string[]> people)
    {
        People = people;
    }

    /// <summary>User name → the roles the provider asserts in the <c>roles</c> claim.</summary>
    public IReadOnlyDictionary<string, string[]> People { get; }

    public string Authority { get; private set; } = "";

    /// <summary>How many codes were redeemed at the token endpoint (a test can see the flow really ran).</summary>
    public int TokensIssued => _tokensIssued;

    private int _tokensIssued;

    private sealed record Grant(Person Person, string RedirectUri, string Nonce, string Challenge);

    private sealed record Person(string UserName, string[] Roles);

    public async Task StartAsync(int port)
    {
        Authority = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(Authority);
        var app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = Authority + "/authorize",
            ["token_endpoint"] = Authority + "/token",
            ["userinfo_endpoint"] = Authority + "/userinfo",
            ["jwks_uri"] = Authority + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["scopes_supported"] = new[] { "openid", "profile" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["claims_supported"] = new[] { "sub", "preferred_username", "roles" },
        }));
        app.MapGet("/jwks", () =>
        {
            var parameters = _key.ExportParameters(includePrivateParameters: false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = KeyId, n = Base64Url(parameters.Modulus!), e = Base64Url(parameters.Exponent!) },
                },
            });
        });
        app.MapGet("/authorize", Authorize);
        app.MapPost("/authorize", ApproveAsync);
        app.MapPost("/token", TokenAsync);
        app.MapGet("/userinfo", UserInfo);
        await app.StartAsync();
        _app = app;
    }

    /// <summary>The provider's sign-in page: the request's parameters carried in a form, one button per person.</summary>
    private IResult Authorize(HttpRequest request)
    {
        var q = request.Query;
        if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
        {
            return Results.BadRequest("unsupported authorization request");
        }

        var hidden = string.Concat(new[] { "redirect_uri", "state", "nonce", "code_challenge" }
            .Select(k => $"<input type=\"hidden\" name=\"{k}\" value=\"{WebUtility.HtmlEncode(q[k].ToString())}\">"));
        var buttons = string.Concat(People.Keys.Select(u => $"<button type=\"submit\" name=\"user\" value=\"{WebUtility.HtmlEncode(u)}\">Continue as {WebUtility.HtmlEncode(u)}</button>"));
        return Results.Content($"<!doctype html><html><head><title>Minimal OpenID provider</title></head><body><h1>Minimal OpenID provider</h1><form method=\"post\" action=\"/authorize\">{hidden}{buttons}</form></body></html>", "text/html; charset=utf-8");
    }

    private async Task<IResult> ApproveAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var user = form["user"].ToString();
        if (!People.TryGetValue(user, out var roles))
        {
            return Results.BadRequest("unknown person");
        }

        var code = Base64Url(RandomNumberGenerator.GetBytes(32));
        var redirect = form["redirect_uri"].ToString();
        _codes[code] = new Grant(new Person(user, roles), redirect, form["nonce"].ToString(), form["code_challenge"].ToString());
        var separator = redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return Results.Redirect($"{redirect}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(form["state"].ToString())}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (clientId, secret) = (form["client_id"].ToString(), form["client_secret"].ToString());
        if (request.Headers.Authorization.ToString() is { Length: > 6 } basic && basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2);
            (clientId, secret) = (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        if (clientId != ClientId || secret != ClientSecret)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        // A code is single-use: removed whatever happens next.
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"])
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        var verifier = form["code_verifier"].ToString();
        if (Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != grant.Challenge)
        {
            return Results.Json(new { error = "invalid_grant", error_description = "PKCE verification failed" }, statusCode: 400);
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var idToken = Sign(new Dictionary<string, object>
        {
            ["iss"] = Authority,
            ["sub"] = "sub-" + grant.Person.UserName,
            ["aud"] = ClientId,
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
            ["nonce"] = grant.Nonce,
            ["preferred_username"] = grant.Person.UserName,
            ["roles"] = grant.Person.Roles,
        });
        var accessToken = Base64Url(RandomNumberGenerator.GetBytes(32));
        _accessTokens[accessToken] = grant.Person;
        Interlocked.Increment(ref _tokensIssued);
        return Results.Json(new { access_token = accessToken, token_type = "Bearer", expires_in = 300, id_token = idToken });
    }

    private IResult UserInfo(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !_accessTokens.TryGetValue(header[7..], out var person))
        {
            return Results.StatusCode(401);
        }

        return Results.Json(new Dictionary<string, object> { ["sub"] = "sub-" + person.UserName, ["preferred_username"] = person.UserName, ["roles"] = person.Roles });
    }

    private string Sign(Dictionary<string, object> claims)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT", kid = KeyId }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _key.Dispose();
    }
}
