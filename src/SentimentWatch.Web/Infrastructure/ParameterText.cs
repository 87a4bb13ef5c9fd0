using Microsoft.Extensions.Localization;
using SentimentWatch.Indexing.Api;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// A search filter the API's parameter reader refused, said in the reader's language (decision 236): the reader gives a
/// stable code and its arguments (<see cref="ParameterProblem"/>), the resources hold the sentence for each code
/// (<c>param-{code}</c>, English and Chinese), and the field is named by the label of its box, not by its name in the URL.
/// The API's own English sentence is the fallback for a code the resources do not know yet.
/// </summary>
public static class ParameterText
{
    /// <summary>The box a refused parameter came from ("From" / "开始"), not its name in the URL ("from").</summary>
    public static string Field(IStringLocalizer t, string name) => name switch
    {
        "q" => t["Query"],
        "from" => t["From"],
        "to" => t["To"],
        "watch" => t["Watch"],
        "source" => t["Source"],
        "sentiment" => t["Sentiment"],
        "topic" => t["Topic"],
        "author" => t["Author"],
        "minReach" => t["Reach at least"],
        "sort" => t["Sort"],
        "kind" => t["Least sure of"],
        "language" => t["Language"],
        "pageSize" or "size" => t["Page size"],
        "cursor" or "shown" => t["Page"],
        "timeZone" => t["Time zone"],
        "utcOffset" => t["UTC offset"],
        _ => name,
    };

    /// <summary>Why <paramref name="problem"/> was refused, as a sentence in the reader's language.</summary>
    public static string Sentence(IStringLocalizer t, ParameterProblem problem)
    {
        var arguments = problem.Arguments.ToArray<object>();
        if (problem.Code == ParameterCodes.NotAChoice && arguments.Length > 0)
        {
            // The allowed values as the form's choices name them ("Relevance, Newest, …" / "相关度、最新…").
            var choices = problem.Arguments.Skip(1).Select(c => Choice(t, problem.Field, c));
            arguments = [arguments[0], string.Join(t["list-separator"].Value, choices)];
        }

        var sentence = t["param-" + problem.Code, arguments];
        return sentence.ResourceNotFound ? problem.Message : sentence.Value;
    }

    private static string Choice(IStringLocalizer t, string field, string value) => field switch
    {
        "sort" => t["sort-" + value],
        "kind" => value == "topic" ? t["Complaint topic"] : t["Sentiment"],
        _ => value,
    };
}
