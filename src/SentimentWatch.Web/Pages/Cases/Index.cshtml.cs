using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Web.Infrastructure;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>
/// The support queue: open cases by priority and SLA due time, or due soonest (CaseQueries, as GET /api/cases), filters,
/// "my cases", and each tab's count under the current filters (one grouped query per view).
/// </summary>
public sealed class IndexModel(CaseQueries queries, CaseDesk desk, IOptionsMonitor<CasesOptions> options, IStringLocalizer<ConsoleText> t, Infrastructure.DisplayNames Names) : PageModel
{
    public const int DefaultPageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Priority { get; set; }
    [BindProperty(SupportsGet = true)] public bool Breached { get; set; }
    [BindProperty(SupportsGet = true)] public bool Mine { get; set; }
    [BindProperty(SupportsGet = true)] public string? Category { get; set; }
    [BindProperty(SupportsGet = true)] public string? Team { get; set; }

    /// <summary>Only the cases nobody owns yet (what a team lead hands out): the API's <c>owner=none</c>.</summary>
    [BindProperty(SupportsGet = true)] public bool Unassigned { get; set; }
    [BindProperty(SupportsGet = true)] public string? Text { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    /// <summary>Cases per page, 1 to <see cref="CaseQueries.MaxPageSize"/> as in the API (default <see cref="DefaultPageSize"/>).</summary>
    [BindProperty(SupportsGet = true)] public int? PageSize { get; set; }

    public CasePage Result { get; private set; } = new([], null);

    public string? Error { get; private set; }

    public CaseOrder Order { get; private set; }

    /// <summary>The open cases behind each tab under the current filters; null when the filters were refused.</summary>
    public CaseTabCounts? Counts { get; private set; }

    public static readonly CaseOrder[] Orders = [CaseOrder.Priority, CaseOrder.Due];

    [TempData]
    public string? Notice { get; set; }

    /// <summary>What a bulk assignment could not do, case by case, in the reader's language (kept across the redirect).</summary>
    [TempData]
    public string? BulkProblems { get; set; }

    /// <summary>Support and admin work cases; others read the queue only.</summary>
    public bool CanWork => User.IsInRole("admin") || User.IsInRole("support");

    /// <summary>The view's own query (filters, order, page), which a bulk assignment posts along to come back to the same view.</summary>
    public Dictionary<string, string> ViewQuery =>
        Request.Query.Where(q => q.Key != "handler").ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

    /// <summary>The agents of <c>Cases:Agents</c>, whom the queue hands cases to.</summary>
    public IReadOnlyList<AgentSettings> Agents => options.CurrentValue.Agents;

    public static readonly string[] Statuses = ["open", "all", "new", "assigned", "in_progress", "waiting_on_customer", "resolved", "closed"];

    public string? NextPageUrl { get; private set; }

    /// <summary>The categories a case can have (each cases-enabled watch's taxonomy, teams' and agents'), and the one asked for.</summary>
    public IReadOnlyList<string> Categories =>
        options.CurrentValue.Watches.Where(w => w.Enabled).SelectMany(w => desk.CategoriesFor(w.Watch))
            .Concat(desk.CategoriesFor(string.Empty))
            .Concat(string.IsNullOrWhiteSpace(Category) ? [] : [Category.Trim()])
            .Distinct(StringComparer.Ordinal)
            .ToList();

    /// <summary>The support teams of <c>Cases:Teams</c> (ids; the page shows their names), and the one asked for.</summary>
    public IReadOnlyList<string> Teams =>
        options.CurrentValue.Teams.Select(t => t.Id)
            .Concat(string.IsNullOrWhiteSpace(Team) ? [] : [Team.Trim()])
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (Mine && Unassigned)
        {
            Error = t["“Mine only” and “Unassigned only” exclude each other; choose one."];
            return;
        }

        var filter = new CaseFilter();
        switch (Status?.Trim())
        {
            case null or "" or "open": break;
            case "all": filter = filter with { All = true }; break;
            case var s when CaseStatuses.TryParse(s, out var status): filter = filter with { Status = status }; break;
            default: Error = $"status '{Status}' is not one of {string.Join(", ", Statuses)}"; return;
        }

        if (!string.IsNullOrWhiteSpace(Priority))
        {
            if (!CasePriority.TryParse(Priority.Trim(), out var priority))
            {
                Error = $"priority '{Priority}' is not one of P1, P2, P3, P4";
                return;
            }

            filter = filter with { Priority = priority };
        }

        if (!CaseOrders.TryParse(Sort, out var order))
        {
            Error = t["The queue cannot be sorted by '{0}'; choose {1} or {2}.", Sort ?? string.Empty, t["sort-priority"], t["sort-due"]];
            return;
        }

        Order = order;
        filter = filter with
        {
            Order = order,
            Breached = Breached ? true : null,
            Owner = Mine ? User.Identity?.Name : Unassigned ? "none" : null,
            Category = string.IsNullOrWhiteSpace(Category) ? null : Category.Trim(),
            Team = string.IsNullOrWhiteSpace(Team) ? null : Team.Trim(),
            Text = string.IsNullOrWhiteSpace(Text) ? null : Text.Trim(),
        };
        if (PageSize is < 1 or > CaseQueries.MaxPageSize)
        {
            Error = t["Cases per page must be from 1 to {0}.", CaseQueries.MaxPageSize];
            return;
        }

        var viewer = CasesApi.Viewer(User, options.CurrentValue);
        try
        {
            Result = await queries.ListAsync(filter, viewer, PageSize ?? DefaultPageSize, string.IsNullOrWhiteSpace(Cursor) ? null : Cursor, cancellationToken);
            Counts = await queries.CountTabsAsync(filter, viewer, User.Identity?.Name, cancellationToken);
        }
        catch (FormatException ex)
        {
            Error = ex.Message;
            return;
        }

        if (Result.NextCursor is { } next)
        {
            var query = new QueryBuilder(Request.Query.Where(q => q.Key != "cursor").SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))))
            {
                { "cursor", next },
            };
            NextPageUrl = "/cases" + query.ToQueryString();
        }
    }

    /// <summary>
    /// Hands the chosen cases to one agent, each with the version the queue showed (<c>id:version</c>), as
    /// <c>POST /api/cases/{id}/assign</c> with <c>If-Match</c>: a case someone changed since the page was loaded is left as it is
    /// and named, never taken from whoever now has it. Back to the same queue view with what was done and what was not.
    /// </summary>
    public async Task<IActionResult> OnPostAssignAsync(string[]? pick, string? agent, CancellationToken cancellationToken)
    {
        if (!CanWork)
        {
            return Forbid();
        }

        var chosen = Picks(pick, t["Choose the cases to assign: tick them in the list."], t["At most {0} cases can be assigned at once.", CaseQueries.MaxPageSize]);
        if (chosen is null)
        {
            return Redirect(Back);
        }

        if (string.IsNullOrWhiteSpace(agent) || Agents.All(a => a.Id != agent))
        {
            BulkProblems = t["Choose the agent to assign the cases to."];
            return Redirect(Back);
        }

        var who = User.Identity?.Name ?? "unknown";
        var (done, problems) = await EachAsync(chosen, (id, version) => desk.AssignAsync(id, version, agent, who, cancellationToken),
            id => t["#{0} changed since the queue was loaded and was not assigned; open it to see who has it now.", id]);

        var name = Names.Person(agent);
        Notice = done == 0 ? null : done == 1 ? t["Assigned 1 case to {0}.", name].Value : t["Assigned {0} cases to {1}.", done, name].Value;
        Report(problems, more => t["…and {0} more cases were not assigned.", more]);
        return Redirect(Back);
    }

    /// <summary>What was typed into the status move when the batch was refused, so it is not typed again (kept across the redirect).</summary>
    [TempData] public string? BulkTo { get; set; }
    [TempData] public string? BulkSummary { get; set; }
    [TempData] public string? BulkRootCause { get; set; }
    [TempData] public string? BulkReason { get; set; }

    /// <summary>The status move stays open after a refused batch.</summary>
    public bool BulkMoveOpen => BulkTo is not null || BulkSummary is not null || BulkRootCause is not null || BulkReason is not null;

    /// <summary>The statuses the queue moves ticked cases to (the moves of <c>transition</c>; <c>assigned</c> is the assignment above).</summary>
    public static readonly string[] BulkStatuses = ["in_progress", "waiting_on_customer", "resolved", "closed"];

    /// <summary>The root causes a resolution names (<c>Cases:RootCauses</c>).</summary>
    public IReadOnlyList<string> RootCauses => options.CurrentValue.RootCauses;

    public string RootCauseName(string code) => t["rootcause-" + code] is { ResourceNotFound: false } label ? label.Value : code;

    /// <summary>
    /// Moves the chosen cases to one status, as <c>POST /api/cases/{id}/transition</c> with <c>If-Match</c> for each: one
    /// resolution summary and root cause for all (a burst of complaints about one incident is resolved with one answer), the
    /// reason recorded on each case's audit. A case changed since the queue was loaded, or one that cannot make the move, is
    /// left as it is and named.
    /// </summary>
    public async Task<IActionResult> OnPostTransitionAsync(string[]? pick, string? to, string? summary, string? rootCause, string? reason, CancellationToken cancellationToken)
    {
        if (!CanWork)
        {
            return Forbid();
        }

        // A batch refused before any case is touched comes back with what was typed (the ticks are the only thing to redo).
        IActionResult Refuse(string problem)
        {
            BulkProblems = problem;
            (BulkTo, BulkSummary, BulkRootCause, BulkReason) = (to ?? "", Kept(summary), Kept(rootCause), Kept(reason));
            return Redirect(Back);
        }

        var chosen = Picks(pick, t["Choose the cases to move: tick them in the list."], t["At most {0} cases can be moved at once.", CaseQueries.MaxPageSize]);
        if (chosen is null)
        {
            return Refuse(BulkProblems!);
        }

        if (string.IsNullOrWhiteSpace(to) || !BulkStatuses.Contains(to.Trim(), StringComparer.Ordinal))
        {
            return Refuse(t["Choose the status to move the cases to."]);
        }

        to = to.Trim();
        if (summary?.Length > CaseTextLimits.MaxSummaryLength || reason?.Length > CaseTextLimits.MaxSummaryLength)
        {
            return Refuse(t["The resolution summary and the reason can each be at most {0} characters.", CaseTextLimits.MaxSummaryLength.ToString("N0", System.Globalization.CultureInfo.CurrentCulture)]);
        }

        if (to == "resolved" && (string.IsNullOrWhiteSpace(summary) || string.IsNullOrWhiteSpace(rootCause) || !RootCauses.Contains(rootCause.Trim(), StringComparer.Ordinal)))
        {
            // Said once for the whole batch, not once per case.
            return Refuse(t["To resolve cases, write the resolution summary and choose a root cause; it is recorded on each case."]);
        }

        var who = User.Identity?.Name ?? "unknown";
        var why = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        var (done, problems) = await EachAsync(chosen, (id, version) => desk.TransitionAsync(id, version, to, summary, rootCause, why, who, cancellationToken),
            id => t["#{0} changed since the queue was loaded and was not moved; open it to see where it is now.", id]);

        var status = t.CaseStatus(to);
        Notice = done == 0 ? null : done == 1 ? t["Moved 1 case to {0}.", status].Value : t["Moved {0} cases to {1}.", done, status].Value;
        Report(problems, more => t["…and {0} more cases were not moved.", more]);
        return Redirect(Back);
    }

    // What was typed, kept for the form only when it fits in the cookie that carries it (a pasted essay is not kept).
    private static string Kept(string? text) => text is { Length: <= 500 } ? text : "";

    // Back to the view the bulk action was posted from (filters, order, page).
    private string Back => "/cases" + QueryString.Create(Request.Query.Where(q => q.Key != "handler").SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))));

    // The ticked cases (id:version), or null with the problem said when none is ticked, one is malformed, or too many are.
    private List<(long Id, int Version)>? Picks(string[]? pick, string none, string tooMany)
    {
        var chosen = (pick ?? []).Select(ParsePick).ToList();
        if (chosen.Count == 0 || chosen.Any(c => c is null))
        {
            BulkProblems = none;
            return null;
        }

        if (chosen.Count > CaseQueries.MaxPageSize)
        {
            BulkProblems = tooMany;
            return null;
        }

        return [.. chosen.Select(c => c!.Value)];
    }

    // One command per ticked case, in order: how many were done, and what each of the others came to in the reader's language.
    private async Task<(int Done, List<string> Problems)> EachAsync(List<(long Id, int Version)> chosen, Func<long, int, Task<CaseOutcome>> command, Func<long, string> stale)
    {
        var done = 0;
        var problems = new List<string>();
        foreach (var (id, version) in chosen)
        {
            var outcome = await command(id, version);
            switch (outcome.Kind)
            {
                case CaseOutcomeKind.Ok:
                    done++;
                    break;
                case CaseOutcomeKind.Stale:
                    problems.Add(stale(id));
                    break;
                case CaseOutcomeKind.NotFound:
                    problems.Add(t["There is no case #{0}.", id]);
                    break;
                default:
                    problems.Add(CaseProblemText.Say(outcome, t));
                    break;
            }
        }

        return (done, problems);
    }

    // Kept in a cookie across the redirect: the first ten are named, the rest counted.
    private void Report(List<string> problems, Func<int, string> more)
    {
        const int Named = 10;
        var listed = problems.Take(Named).ToList();
        if (problems.Count > Named)
        {
            listed.Add(more(problems.Count - Named));
        }

        BulkProblems = listed.Count == 0 ? null : string.Join("\n", listed);
    }

    private static (long Id, int Version)? ParsePick(string value)
    {
        var parts = value.Split(':');
        return parts.Length == 2 && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? (id, version)
            : null;
    }

    /// <summary>
    /// A tab's link: the tab's own choice (open, mine or breached) with the filters that narrow every tab alike
    /// (priority, category, team, text) and the order, so a tab neither forgets them nor counts other cases than it lists.
    /// </summary>
    public string TabUrl(bool mine = false, bool breached = false)
    {
        var query = new QueryBuilder();
        if (mine)
        {
            query.Add("mine", "true");
        }

        if (breached)
        {
            query.Add("breached", "true");
        }

        foreach (var (key, value) in new[] { ("priority", Priority), ("category", Category), ("team", Team), ("text", Text) })
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add(key, value.Trim());
            }
        }

        if (Order != CaseOrder.Priority)
        {
            query.Add("sort", CaseOrders.ToWire(Order));
        }

        return "/cases" + query.ToQueryString();
    }
}
