using Microsoft.AspNetCore.Http.HttpResults;

namespace SentimentWatch.Hosting;

/// <summary>
/// The Hangfire dashboard reads every POST as a form and throws (a 500) when the body is not one.
/// Answering 415 before it runs turns a caller's mistake into the caller's error.
/// </summary>
public static class FormPostGuard
{
    public static IApplicationBuilder UseFormPostGuard(this IApplicationBuilder app, PathString path) =>
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments(path) && !request.HasFormContentType)
            {
                await TypedResults.Problem(
                    statusCode: StatusCodes.Status415UnsupportedMediaType,
                    title: "Unsupported media type",
                    detail: $"POST to {path} takes a form: send Content-Type: application/x-www-form-urlencoded.").ExecuteAsync(context);
                return;
            }

            await next(context);
        });
}
