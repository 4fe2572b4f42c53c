"""The opinions and analysis imports (spec/import.md), and the feedback clock (§9)."""

import datetime as dt

from liaison.compliance.engine import compute_compliance
from liaison.imports import import_file
from opinions.models import Opinion, OpinionAnalysis

HEADER = "意见编号,收到日期,渠道,收集单位编码,承办单位编码,内容,类别,处理结果,反馈日期,公开"


def opinions(*rows):
    return import_file(kind="opinions", filename="o.csv",
                       content="\n".join([HEADER, *rows]).encode())


def feedback_rows(as_of):
    return {r.subject_code: (r.target, r.actual, r.expected_to_date, r.status)
            for r in compute_compliance(year=2025, as_of=as_of) if r.metric == "opinion_feedback"}


def test_the_feedback_clock_follows_the_working_calendar_and_the_as_of_date(roster):
    # Received 2025-09-12: due roll(2025-10-12, a Sunday) = 2025-10-13.
    assert opinions("YJ1,2025-09-12,网络平台,BSC01,BSC01,停车位不足,城建,不予采纳,2025-10-20,是",
                    "YJ2,2025-09-15,热线电话,BSC01,BSC01,路灯不亮,城建,采纳,2025-10-10,否").ok
    assert str(Opinion.objects.get(code="YJ1").feedback_due) == "2025-10-13"
    # At 2025-10-12 neither clock is due yet; an answer dated after A is not done yet.
    assert feedback_rows(dt.date(2025, 10, 12)) == {}
    # YJ2 (due 2025-10-15) was answered on time; YJ1 late.
    assert feedback_rows(dt.date(2025, 12, 31)) == {"BSC01": (2, 1, 2, "not_met")}


def test_every_rule_is_a_row_error_and_nothing_is_written(roster):
    outcome = opinions(
        "YJ1,2025-09-12,微信,BSC01,BSC01,内容,,,,",
        "YJ2,2025-09-12,热线电话,BSC01,BSC01,内容,,,2025-09-20,",
        "YJ3,2025-09-12,热线电话,BSC01,BSC01,内容,,采纳,2025-09-01,",
        "YJ4,2025-09-12,热线电话,BSC01,NOPE,内容,,,,",
        "YJ5,2025-09-12,热线电话,BSC01,BSC01,内容,,,,也许",
    )
    assert outcome.errors == [
        "第2行 「渠道」: 「微信」不是有效值，应为 意见箱、热线电话、征求意见表、网络平台、走访、谈心谈话、"
        "接访、听证会、民意调查、其他 之一",
        "第3行 「处理结果」: 填写反馈日期须同时填写处理结果",
        "第4行 「反馈日期」: 反馈日期不能早于收到日期",
        "第5行 「承办单位编码」: 单位编码「NOPE」不存在",
        "第6行 「公开」: 「也许」不是有效值，应为 是 或 否",
    ]
    assert not Opinion.objects.exists()


def test_analyses_count_distinct_quarters_and_only_for_the_units_that_owe_them(roster):
    outcome = import_file(kind="opinion_analyses", filename="a.csv", content=(
        "单位编码,日期,标题\n"
        "BSC01,2025-01-10,一月分析\n"
        "BSC01,2025-03-28,一季度分析\n"
        "BSC01,2025-04-02,二季度分析\n"
        "SQ0101,2025-04-02,社区分析\n").encode())
    assert outcome.errors == ["第5行 「单位编码」: 分析研判的单位应为办事处、集聚区或区直单位"]
    assert not OpinionAnalysis.objects.exists()
    assert import_file(kind="opinion_analyses", filename="a.csv", content=(
        "单位编码,日期,标题\nBSC01,2025-01-10,一月分析\nBSC01,2025-03-28,一季度分析\n"
        "BSC01,2025-04-02,二季度分析\n").encode()).ok
    rows = {r.subject_code: (r.target, r.actual, r.expected_to_date, r.status)
            for r in compute_compliance(year=2025, as_of=dt.date(2025, 6, 30))
            if r.metric == "opinion_analyses"}
    # floor(4 × 181 / 365) = 1 expected by 30 June; 2 quarters done.
    assert rows["BSC01"] == (4, 2, 1, "on_track")
    assert rows["BM01"] == (4, 0, 1, "behind")
    assert "SQ0101" not in rows and "QD" not in rows
