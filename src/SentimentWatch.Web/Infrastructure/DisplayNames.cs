using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SentimentWatch.Alerting;
using SentimentWatch.Cases;

namespace SentimentWatch.Web.Infrastructure;

/// <summary>
/// What the console calls a watch, a support team or a case's people where a person reads them: the watch's display name
/// ("Lumo Coffee / 绿莫咖啡"), a team's and a case agent's name from <c>Cases:Teams</c> and <c>Cases:Agents</c> ("Li Na"), each the id when none is
/// configured. Every page asks here (views inject it as <c>Names</c>), so no page names them its own way.
/// </summary>
public sealed class DisplayNames(IServiceProvider services, IOptionsMonitor<CasesOptions> cases)
{
    // Optional: a host without alerting has no catalog of watch names, and its pages show ids.
    private readonly WatchNames? _watches = services.GetService<WatchNames>();

    public string Watch(string watchId) => _watches?.Of(watchId) ?? watchId;

    /// <summary>A support team by its <c>Cases:Teams</c> name ("Lumo customer care"), its id when it has none.</summary>
    public string Team(string teamId) => cases.CurrentValue.TeamName(teamId) ?? teamId;

    /// <summary>
    /// A case owner or actor by the name <c>Cases:Agents</c> gives that user name; a console user or API key that is not an
    /// agent (and the desk's own actors) keeps its user name.
    /// </summary>
    public string Person(string userName) => cases.CurrentValue.PersonName(userName) ?? userName;

    /// <summary>
    /// <see cref="Person"/> as a page shows it: the name, with the user name as its title (what "my cases", the API and the audit
    /// trail go by); just the user name when it has no other name; nothing for nobody.
    /// </summary>
    public IHtmlContent PersonHtml(string? userName)
    {
        if (string.IsNullOrEmpty(userName))
        {
            return HtmlString.Empty;
        }

        var name = Person(userName);
        var encoder = HtmlEncoder.Default;
        return name == userName
            ? new HtmlString(encoder.Encode(userName))
            : new HtmlString($"<span class=\"person\" title=\"{encoder.Encode(userName)}\">{encoder.Encode(name)}</span>");
    }
}
