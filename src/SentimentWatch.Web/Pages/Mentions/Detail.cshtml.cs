using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using SentimentWatch.Core.Incidents;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Mentions;
using SentimentWatch.Core.Scoring;

namespace SentimentWatch.Web.Pages.Mentions;

/// <summary>
/// One mention: what was said, its scores, the open incidents it is evidence of and the complaint
/// case it is on (through Core's IAlertDirectory and ICaseDirectory, when the host has those capabilities),
/// and the analyst's correction of its labels with their history (Core's IMentionLabels, decision 160; the same
/// implementation as <c>POST /api/mentions/{id}/labels</c>).
/// </summary>
public sealed class DetailModel(IMentionIndex index, IServiceProvider services, IStringLocalizer<ConsoleText> t) : PageModel
{
    [TempData]
    public string? Notice { get; set; }

    /// <summary>The labels, the categories this mention may take and every correction; null when corrections are not enabled.</summary>
    public MentionLabels? Labels { get; private set; }

    /// <summary>Why the last correction was refused, by field, in the reader's language.</summary>
    public IReadOnlyDictionary<string, string[]> LabelErrors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>What the analyst chose and typed in a refused correction: the form shows it again, so nothing typed is lost.</summary>
    public (string? Sentiment, string? Topic, string? Note) LabelInput { get; private set; }

    public Mention Mention { get; private set; } = null!;

    public IReadOnlyList<AlertLink> Alerts { get; private set; } = [];

    public IReadOnlyList<CaseLink> Cases { get; private set; } = [];

    public bool HasAlerting { get; private set; }

    /// <summary>The risk terms that make this mention count toward a crisis: the scorer's and its watches' alert rules' (decision 236).</summary>
    public IReadOnlyList<string> RiskTerms { get; private set; } = [];

    /// <summary>How the scorer reads the mention's source when not as a social post (<c>reviews</c>, <c>care</c>; decisions 209, 214), else null.</summary>
    public string? SourceGenre { get; private set; }

    public bool HasCases { get; private set; }

    /// <summary>Case pages are for support and admin; others see the case's number and state without a link.</summary>
    public bool CanOpenCases => User.IsInRole(Core.Security.ApiRoles.Support) || User.IsInRole(Core.Security.ApiRoles.Admin);

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    /// <summary>The labelling queue the analyst came from (decision 212): <c>sentiment</c> or <c>topic</c>, else null.</summary>
    public string? Queue => QueueKind(Request.Query["queue"].ToString()) ?? (Request.HasFormContentType ? QueueKind(Request.Form["queue"].ToString()) : null);

    private static string? QueueKind(string? value) => value is "sentiment" or "topic" ? value : null;

    /// <summary>
    /// The search the analyst came from (<c>?search=</c>, the search page's query string), rebuilt from the search
    /// page's own parameters only, so the way back keeps the query, filters and page; null when not from a search.
    /// </summary>
    public string? SearchQuery
    {
        get
        {
            var raw = Request.Query["search"].ToString();
            if (string.IsNullOrEmpty(raw) && Request.HasFormContentType)
            {
                raw = Request.Form["search"].ToString();
            }

            if (string.IsNullOrWhiteSpace(raw))
            {
                return null;
            }

            var builder = new QueryBuilder();
            foreach (var (key, values) in QueryHelpers.ParseQuery(raw))
            {
                if (Search.IndexModel.FilterNames.Concat(["sort", "cursor", "pageSize", "shown"]).Contains(key, StringComparer.Ordinal) && !string.IsNullOrWhiteSpace(values.ToString()))
                {
                    builder.Add(key, values.ToString());
                }
            }

            var query = builder.ToQueryString();
            return query.HasValue ? query.Value!.TrimStart('?') : null;
        }
    }

    /// <summary>Where "← Search" goes: back to the search the analyst came from, else an empty search.</summary>
    public string SearchUrl => SearchQuery is { } query ? "/search?" + query : "/search";

    /// <summary>Records an analyst's correction (sentiment and/or topic, with a note); the page shows it at once.</summary>
    /// <param name="queue">When the analyst came from the labelling queue, a saved correction goes back to it (decision 212).</param>
    public async Task<IActionResult> OnPostLabelsAsync(string id, string? sentiment, string? topic, string? note, string? queue, CancellationToken cancellationToken)
    {
        if (services.GetService<IMentionLabels>() is not { } labels)
        {
            return NotFound();
        }

        var outcome = await labels.CorrectAsync(id, sentiment, topic, note, User.Identity?.Name ?? "unknown", cancellationToken);
        if (outcome.UnknownMention)
        {
            return NotFound();
        }

        if (outcome.Labels is null)
        {
            LabelErrors = Refusals(outcome.Errors, sentiment, topic, note);
            LabelInput = (sentiment, topic, note);
            return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
        }

        Notice = t["Labels corrected. Training exports and drift now use your labels."];
        return QueueKind(queue) is { } kind ? Redirect("/to-label?kind=" + kind) : RedirectToPage(new { id, search = SearchQuery });
    }

    /// <summary>
    /// The label desk's refusals said in the reader's language. The desk decides (one validation for the API and the console)
    /// and names the fields; the sentence is written here from what was submitted. A refusal this page has no sentence
    /// for keeps the desk's English text.
    /// </summary>
    private Dictionary<string, string[]> Refusals(IReadOnlyDictionary<string, string[]> errors, string? sentiment, string? topic, string? note)
    {
        var said = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var nothingChosen = string.IsNullOrWhiteSpace(sentiment) && string.IsNullOrWhiteSpace(topic);
        foreach (var (field, texts) in errors)
        {
            string? sentence = (field, nothingChosen) switch
            {
                ("sentiment" or "topic", true) => t["label-nothing-chosen"].Value,
                ("sentiment", false) => t["label-unknown-sentiment", sentiment?.Trim() ?? string.Empty].Value,
                ("topic", false) => t["label-unknown-topic", topic?.Trim() ?? string.Empty].Value,
                ("note", _) when note is not null => t["label-note-too-long", note.ReplaceLineEndings("\n").Length, IMentionLabels.MaxNoteLength].Value,
                _ => null,
            };
            said[field] = sentence is null ? texts : [sentence];
        }

        return said;
    }

    private async Task<bool> LoadAsync(string id, CancellationToken cancellationToken)
    {
        if (await index.GetAsync(id, cancellationToken) is not { } mention)
        {
            return false;
        }

        Mention = mention;
        RiskTerms = mention.RiskTerms;
        SourceGenre = services.GetService<IMentionScorer>()?.GenreOf(mention.Source) is { } genre && genre != "social" ? genre : null;
        if (services.GetService<IMentionLabels>() is { } labels)
        {
            Labels = await labels.GetAsync(id, cancellationToken);
        }

        if (services.GetService<IAlertDirectory>() is { } alerts)
        {
            HasAlerting = true;
            RiskTerms = alerts.RiskTermsIn(mention);
            Alerts = await alerts.OpenAlertsForMentionsAsync([mention.Id], cancellationToken);
        }

        if (services.GetService<ICaseDirectory>() is { } cases)
        {
            HasCases = true;
            Cases = await cases.CasesForMentionAsync(mention.Id, cancellationToken);
        }

        return true;
    }
}
