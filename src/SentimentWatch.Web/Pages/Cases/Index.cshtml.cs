using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Workflow;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>
/// The support queue: open cases by priority and SLA due time, or due soonest (CaseQueries, as GET /api/cases), filters,
/// "my cases", and each tab's count under the current filters (one grouped query per view).
/// </summary>
public sealed class IndexModel(CaseQueries queries, CaseDesk desk, IOptionsMonitor<CasesOptions> options, IStringLocalizer<ConsoleText> t) : PageModel
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
