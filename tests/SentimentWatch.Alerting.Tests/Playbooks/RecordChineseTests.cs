using Shouldly;
using Xunit;

namespace SentimentWatch.Alerting.Tests.Playbooks;

public class RecordChineseTests
{
    [Fact]
    public void AKnownLine_ReadsInChinese_WithItsTimeKeptAsUtc()
    {
        RecordChinese.Translate("riskTerms (food-risk) cleared (clear since 2026-11-23 08:40:00Z)")
            .ShouldBe("高风险投诉（food-risk）已消除（自 2026-11-23 08:40:00 UTC 起恢复正常）");
        RecordChinese.Translate("escalated delivered to pr-hook after 3 attempt(s) (alert-7-2-pr-hook)")
            .ShouldBe("升级通知已送达 pr-hook（尝试 3 次，alert-7-2-pr-hook）");
        RecordChinese.Translate("step \"holding\" done by petra, 1 h 5 min before it was due")
            .ShouldBe("步骤“holding”已由 petra 完成，比截止时间提前 1 小时 5 分钟");
        RecordChinese.Translate("checklist \"法务审阅\" of step \"holding\" unticked by li.wei")
            .ShouldBe("步骤“holding”的核对项“法务审阅”已由 li.wei 取消勾选");
    }

    /// <summary>The English reader sees the signals named as the alerts name them, not the rule kinds of the configuration.</summary>
    [Fact]
    public void AStoredLine_ReadsInEnglish_WithItsSignalsNamedAsTheAlertsNameThem()
    {
        RecordChinese.English("incident opened: riskTerms (food-risk): 4 posts with high-risk terms; influencer (loud): a post with a reach of 420,000")
            .ShouldBe("incident opened: high-risk complaints (food-risk): 4 posts with high-risk terms; high-reach negative post (loud): a post with a reach of 420,000");
        RecordChinese.English("negativeSpike (spike) joined at critical: 40 negative mentions").ShouldBe("negative surge (spike) joined at critical: 40 negative mentions");
        RecordChinese.English("an influencer (a food blogger) called us").ShouldBe("an influencer (a food blogger) called us", "a word in a person's note is not a rule kind");
        RecordChinese.English("step \"brief\" done by petra, 5 min late: DM'd the influencer (@chef_li)")
            .ShouldBe("step \"brief\" done by petra, 5 min late: DM'd the influencer (@chef_li)", "a step's note is a person's words");
        RecordChinese.English("riskTerms (food risk) cleared (clear since 2026-11-23 08:40:00Z)").ShouldStartWith("high-risk complaints (food risk) cleared", Case.Sensitive, "a rule id may hold spaces");
    }

    [Fact]
    public void ALineWrittenInChinese_IsShownAsWritten_AndAPersonsNoteStaysAsTyped()
    {
        RecordChinese.Translate("negativeSpike (spike) joined at critical: 40 negative mentions", "负面激增（spike）并入本事件，级别：严重；负面提及 40 条")
            .ShouldBe("负面激增（spike）并入本事件，级别：严重；负面提及 40 条");
        RecordChinese.Translate("negativeSpike (spike) joined at critical: 40 negative mentions")
            .ShouldBe("负面激增（spike）并入本事件，级别：严重；40 negative mentions", "a line from before TextZh: its sentence stays as written");
        RecordChinese.Translate("called the store manager at 2026-11-23 09:05 UTC").ShouldBe("called the store manager at 2026-11-23 09:05:00 UTC");
    }

    [Fact]
    public void WordsOnTheWire_AreNamedAsTheConsoleNamesThem_AndUnknownOnesPassThrough()
    {
        RecordChinese.Status("firing").ShouldBe("触发中");
        RecordChinese.StepState("overdue").ShouldBe("已超时");
        RecordChinese.CaseStatus("waiting_on_customer").ShouldBe("等待客户");
        RecordChinese.EventKind("delivered").ShouldBe("送达");
        RecordChinese.SignalKind("influencer").ShouldBe("高影响力负面帖");
        RecordChinese.SignalKind("somethingNew").ShouldBe("somethingNew");
    }
}
