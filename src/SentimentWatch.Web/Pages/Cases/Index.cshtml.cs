using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Domain;
using SentimentWatch.Cases.Workflow;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>The support queue: open cases by priority and SLA due time (CaseQueries, as GET /api/cases), filters and "my cases".</summary>
public sealed class IndexModel(CaseQueries queries, CaseDesk desk, IOptionsMonitor<CasesOptions> options) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? Priority { get; set; }
    [BindProperty(SupportsGet = true)] public bool Breached { get; set; }
    [BindProperty(SupportsGet = true)] public bool Mine { get; set; }
    [BindProperty(SupportsGet = true)] public string? Category { get; set; }
    [BindProperty(SupportsGet = true)] public string? Text { get; set; }
    [BindProperty(SupportsGet = true)] public string? Cursor { get; set; }

    public CasePage Result { get; private set; } = new([], null);

    public string? Error { get; private set; }

    public static readonly string[] Statuses = ["open", "all", "new", "assigned", "in_progress", "waiting_on_customer", "resolved", "closed"];

    public string? NextPageUrl { get; private set; }

    /// <summary>The categories a case can have (each cases-enabled watch's taxonomy, teams' and agents'), and the one asked for.</summary>
    public IReadOnlyList<string> Categories =>
        options.CurrentValue.Watches.Where(w => w.Enabled).SelectMany(w => desk.CategoriesFor(w.Watch))
            .Concat(desk.CategoriesFor(string.Empty))
            .Concat(string.IsNullOrWhiteSpace(Category) ? [] : [Category.Trim()])
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
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

        filter = filter with
        {
            Breached = Breached ? true : null,
            Owner = Mine ? User.Identity?.Name : null,
            Category = string.IsNullOrWhiteSpace(Category) ? null : Category.Trim(),
            Text = string.IsNullOrWhiteSpace(Text) ? null : Text.Trim(),
        };
        try
        {
            Result = await queries.ListAsync(filter, CasesApi.Viewer(User, options.CurrentValue), PageSize, string.IsNullOrWhiteSpace(Cursor) ? null : Cursor, cancellationToken);
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
}
