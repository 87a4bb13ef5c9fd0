using Microsoft.AspNetCore.Mvc.RazorPages;
using SentimentWatch.Core.Indexing;
using SentimentWatch.Core.Pipeline;
using SentimentWatch.Core.Scoring;
using SentimentWatch.Core.Watches;
using SentimentWatch.Indexing;
using SentimentWatch.Indexing.Api;

namespace SentimentWatch.Web.Pages.Search;

/// <summary>
/// "Label these first" (issue 19 item 4, decision 212): the recent mentions whose labels the model was least sure of and nobody has
/// corrected, for analysts to correct on the mention page. The same queue as <c>GET /api/mentions/to-label</c>.
/// </summary>
public sealed class ToLabelModel(IMentionIndex index, IWatchCatalog catalog, TimeProvider clock, Microsoft.Extensions.Options.IOptions<Core.Mentions.MentionDateOptions> dateOptions) : PageModel
{
    public const int Size = 25;

    /// <summary>"Labels corrected", when the analyst comes back from correcting one of the queue's mentions.</summary>
    [Microsoft.AspNetCore.Mvc.TempData]
    public string? Notice { get; set; }

    public IReadOnlyList<Core.Watches.Watch> Watches => catalog.Watches;

    /// <summary>The filters the API's parameter reader refused, each with its code (said in the reader's language by <see cref="Web.Infrastructure.ParameterText"/>).</summary>
    public IReadOnlyList<ParameterProblem> Problems { get; private set; } = [];

    public LabellingQueueResult? Result { get; private set; }

    public LabellingQueueKind Kind { get; private set; }

    public string Value(string name) => Request.Query[name].ToString();

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var parameters = new MentionQueryParameters(Request.Query, clock.GetUtcNow(), dateOptions.Value, Web.Infrastructure.ReaderOffset.DatesZone(Request));
        var filter = IndexingApi.ToLabelFilter(parameters.Filter(), clock);
        Kind = parameters.QueueKind();
        if (parameters.Problems.Count > 0)
        {
            Problems = parameters.Problems;
            return;
        }

        try
        {
            Result = await LabellingQueue.ReadAsync(index, filter, Kind, Size, LabellingQueue.DefaultWindow, cancellationToken);
        }
        catch (InvalidSearchQueryException ex)
        {
            parameters.Fail(ex);
            Problems = parameters.Problems;
        }
    }
}
