namespace SentimentWatch.Alerting.Tests.Playbooks;

/// <summary>
/// What an announcement names as next steps (<see cref="ResponsePlan.NextSteps"/>): the first open step, then open steps
/// due within the first hour, by due time, three at most.
/// </summary>
public sealed class ResponsePlanNextStepsTests
{
    private static readonly DateTimeOffset OpenedAt = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static ResponseStep Step(string id, int minutes, bool done = false) => new()
    {
        StepId = id,
        PlaybookId = "critical",
        Title = id,
        Owner = "PR lead",
        DueAt = OpenedAt.AddMinutes(minutes),
        CreatedAt = OpenedAt,
        DoneAt = done ? OpenedAt.AddMinutes(1) : null,
    };

    private static string[] Named(params ResponseStep[] plan) => [.. ResponsePlan.NextSteps(plan, OpenedAt).Select(s => s.StepId)];

    [Fact]
    public void Five_steps_due_within_the_first_hour_are_named_three_at_most_by_due_time()
    {
        ResponsePlan.MaxNextSteps.ShouldBe(3);
        Named(Step("e", 60), Step("c", 30), Step("a", 10), Step("d", 45), Step("b", 20)).ShouldBe(["a", "b", "c"]);
    }

    [Fact]
    public void The_cap_counts_open_steps_only()
    {
        Named(Step("a", 10, done: true), Step("b", 20), Step("c", 30, done: true), Step("d", 45), Step("e", 60), Step("f", 60)).ShouldBe(["b", "d", "e"]);
    }

    [Fact]
    public void The_first_open_step_is_named_however_late_it_falls_due_and_later_ones_only_within_the_hour()
    {
        Named(Step("a", 90), Step("b", 120)).ShouldBe(["a"]);
        Named(Step("a", 15), Step("b", 61), Step("c", 30)).ShouldBe(["a", "c"]);
    }

    [Fact]
    public void A_plan_with_every_step_done_names_none() =>
        Named(Step("a", 10, done: true), Step("b", 20, done: true)).ShouldBeEmpty();
}
