using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using SentimentWatch.Cases;
using SentimentWatch.Cases.Api;
using SentimentWatch.Cases.Workflow;
using SentimentWatch.Core.Security;

namespace SentimentWatch.Web.Pages.Cases;

/// <summary>
/// One complaint case: its mentions, the conversation, notes, audit trail and SLA clocks, and
/// every command support staff have, through the same CaseDesk as /api/cases. Each form carries
/// the version it was read at, so two agents never overwrite each other silently (as If-Match).
/// </summary>
public sealed class DetailModel(CaseQueries queries, CaseDesk desk, IOptionsMonitor<CasesOptions> options, IStringLocalizer<ConsoleText> t, IAuthorizationService authorization) : PageModel
{
    /// <summary>Whether the reader may open /alerts/{id} (the alert pages' policy); others see the alert's title without a link.</summary>
    public bool CanOpenAlerts { get; private set; }

    public CaseDetail Detail { get; private set; } = null!;

    public IReadOnlyList<AgentSettings> Agents => options.CurrentValue.Agents;

    public IReadOnlyList<string> RootCauses => options.CurrentValue.RootCauses;

    /// <summary>Categories staff can choose: those the desk accepts for the case's watch (its taxonomy, the default one, teams' and agents'), and the case's own.</summary>
    public IReadOnlyList<string> Categories =>
        desk.CategoriesFor(Detail.Case.Watch)
            .Append(Detail.Case.Category)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public bool CanWork => User.IsInRole("admin") || User.IsInRole("support");

    [TempData]
    public string? Notice { get; set; }

    public string? Problem { get; private set; }

    /// <summary>
    /// What the person typed or chose in the form of <paramref name="handler"/> when the desk refused it, so the page
    /// shown with the reason still holds their words (a reply, a resolution summary) instead of an empty form; else "".
    /// </summary>
    public string Posted(string handler, string field) =>
        Problem is not null && Request.HasFormContentType && string.Equals(Request.Query["handler"], handler, StringComparison.OrdinalIgnoreCase)
            ? Request.Form[field].ToString()
            : "";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostTakeAsync(long id, int version, CancellationToken ct) =>
        RunAsync(id, () => desk.TakeAsync(id, version, Who, ct), t["You own this case now."], ct);

    public Task<IActionResult> OnPostAssignAsync(long id, int version, string? agent, CancellationToken ct) =>
        RunAsync(id, () => desk.AssignAsync(id, version, agent ?? string.Empty, Who, ct), t["Assigned."], ct);

    public Task<IActionResult> OnPostTransitionAsync(long id, int version, string? to, string? summary, string? rootCause, string? reason, CancellationToken ct) =>
        RunAsync(id, () => desk.TransitionAsync(id, version, to ?? string.Empty, summary, rootCause, reason, Who, ct), t["Status changed."], ct);

    public Task<IActionResult> OnPostNoteAsync(long id, string? text, CancellationToken ct) =>
        RunAsync(id, () => desk.AddNoteAsync(id, null, text ?? string.Empty, Who, ct), t["Note added."], ct);

    public Task<IActionResult> OnPostReplyAsync(long id, string? text, string? channel, CancellationToken ct) =>
        RunAsync(id, () => desk.ReplyAsync(id, null, text ?? string.Empty, channel, null, Who, ct), t["Reply recorded."], ct);

    public Task<IActionResult> OnPostMergeAsync(long id, int version, long? into, CancellationToken ct) =>
        RunAsync(id, () => desk.MergeAsync(id, version, into, Who, ct), t["Merged."], ct);

    /// <summary>Category and/or priority changed with a recorded reason, as POST /api/cases/{id}/override; an unchanged field is not sent.</summary>
    public Task<IActionResult> OnPostOverrideAsync(long id, int version, string? category, string? priority, string? currentCategory, string? currentPriority, string? reason, CancellationToken ct) =>
        RunAsync(id, () => desk.OverrideAsync(id, version,
            category == currentCategory ? null : category,
            priority == currentPriority ? null : priority,
            reason, Who, ct), t["Override recorded."], ct);

    public Task<IActionResult> OnPostSatisfactionAsync(long id, int version, int? score, string? comment, CancellationToken ct) =>
        RunAsync(id, () => desk.RecordSatisfactionAsync(id, version, score, comment, Who, ct), t["Satisfaction recorded."], ct);

    private string Who => User.Identity?.Name ?? "unknown";

    private async Task<IActionResult> RunAsync(long id, Func<Task<CaseOutcome>> command, string done, CancellationToken cancellationToken)
    {
        if (!CanWork)
        {
            return Forbid();
        }

        var outcome = await command();
        switch (outcome.Kind)
        {
            case CaseOutcomeKind.Ok:
                Notice = done;
                return Redirect($"/cases/{id}");
            case CaseOutcomeKind.NotFound:
                return NotFound();
            case CaseOutcomeKind.Stale:
                Problem = t["Someone changed this case since you opened it. Here it is as it is now; try again."];
                break;
            default:
                Problem = CaseProblemText.Say(outcome, t);
                break;
        }

        return await LoadAsync(id, cancellationToken) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var detail = await queries.GetAsync(id, CasesApi.Viewer(User, options.CurrentValue), cancellationToken);
        if (detail is null)
        {
            return false;
        }

        Detail = detail;
        CanOpenAlerts = (await authorization.AuthorizeAsync(User, ApiPolicies.Pr)).Succeeded;
        return true;
    }

    /// <summary>A category's display label ("product and food safety" / "产品与食品安全"); an unknown code shows as itself.</summary>
    public string CategoryName(string code) => Label("topic-" + code, code);

    /// <summary>A root cause's display label; an unknown (configured) code shows as itself.</summary>
    public string RootCauseName(string code) => Label("rootcause-" + code, code);

    /// <summary>What an audit entry records, in the reader's language ("SLA breached" for <c>sla_breach</c>).</summary>
    public string AuditKind(string what) => Label("audit-" + what, what);

    /// <summary>
    /// An audit value as people read it: round-trip timestamps become local times with their zone,
    /// and the codes the desk writes (clocks, statuses, categories, root causes) their labels.
    /// Free text people typed (<paramref name="codes"/> false) keeps its words; only timestamps change.
    /// With <paramref name="wordCodes"/> false only snake_case codes change (reasons mix codes into prose).
    /// </summary>
    public IHtmlContent AuditValue(string? value, bool codes, bool wordCodes = true)
    {
        if (string.IsNullOrEmpty(value))
        {
            return HtmlString.Empty;
        }

        if (DeskReasons.Contains(value))
        {
            // The reasons the desk writes itself ("round-robin", "taken", "late" …); people's reasons are shown as typed.
            return new HtmlString(HtmlEncoder.Default.Encode(t["audit-" + value].Value));
        }

        var html = new HtmlContentBuilder();
        var tokens = value.Split(' ');
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (i > 0)
            {
                html.Append(" ");
            }

            if (token.Length >= 20 && char.IsAsciiDigit(token[0])
                && DateTimeOffset.TryParseExact(token, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
            {
                html.AppendHtml(Time(at));
            }
            else
            {
                html.Append(codes ? CodeLabel(token, wordCodes) : token);
            }
        }

        return html;
    }

    /// <summary>A time as the console shows times: the browser's local time with its zone (console.js), UTC until then.</summary>
    public static IHtmlContent Time(DateTimeOffset at) =>
        new HtmlString($"<time datetime=\"{at.ToString("O", CultureInfo.InvariantCulture)}\" data-style=\"zone\">{HtmlEncoder.Default.Encode(at.ToUniversalTime().ToString("u", CultureInfo.InvariantCulture))}</time>");

    private string CodeLabel(string token, bool wordCodes)
    {
        if (wordCodes && token == "due")
        {
            // "first_response due <time>": the one plain word the SLA watch writes between code and time.
            return t["due"].Value;
        }

        if (wordCodes && token.Length > 2 && token[0] == '(' && token[^1] == ')'
            && t["mention-reason-" + token[1..^1]] is { ResourceNotFound: false } reason)
        {
            // "mention 3f… (thread)": why the desk attached a mention, as the mention list says it.
            return "(" + reason.Value + ")";
        }

        if (wordCodes && token is "from" or "mention" or "alert")
        {
            // The plain words of the desk's own entries ("P1 safety from mention 3f…", "alert 12").
            return t["audit-word-" + token].Value;
        }

        if (!token.Contains('_', StringComparison.Ordinal) && !(wordCodes && KnownCodes.Contains(token)))
        {
            return token;
        }

        foreach (var prefix in CodePrefixes)
        {
            if (t[prefix + token] is { ResourceNotFound: false } label)
            {
                return label.Value;
            }
        }

        return token;
    }

    /// <summary>The fixed reasons CaseDesk records beside its own changes (each has an <c>audit-…</c> label in both languages).</summary>
    private static readonly HashSet<string> DeskReasons = new(StringComparer.Ordinal)
    {
        "round-robin", "taken", "first responder", "replied", "customer replied", "follow-up done", "late", "within SLA",
    };

    private static readonly string[] CodePrefixes = ["clock-", "case-", "topic-", "rootcause-", "channel-"];

    /// <summary>One-word codes worth a label: statuses, clocks and categories (other single words are ordinary words).</summary>
    private static readonly HashSet<string> KnownCodes = new(StringComparer.Ordinal)
    {
        "resolution", "new", "assigned", "resolved", "closed", "safety", "logistics", "other",
        "public", "private", // a logged reply's channel
    };

    private string Label(string key, string fallback) => t[key] is { ResourceNotFound: false } label ? label.Value : fallback;
}
