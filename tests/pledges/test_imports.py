"""The pledges and registrations imports (spec/import.md), and their compliance rows."""

import datetime as dt

from liaison.compliance.engine import compute_compliance
from liaison.imports import import_file
from pledges.models import Pledge, Registration

HEADER = "干部编码,年度,所在党组织编码,承诺事项,公开日期,评定等次,评定日期"


def pledges(*rows):
    return import_file(kind="pledges", filename="p.csv", content="\n".join([HEADER, *rows]).encode())


def test_the_one_third_cap_on_excellent_does_not_depend_on_row_order(roster):
    # BSC01 2025: one 优秀 among three rated is allowed, whichever row comes first.
    outcome = pledges("GB006,2025,BSC01,解决三个问题；每月下访,2025-01-30,优秀,2026-01-18",
                      "GB009,2025,BSC01,联系两个社区；组织培训,2025-02-20,合格,2026-01-18",
                      "GB010,2025,BSC01,道路修缮；防汛准备,2025-10-20,合格,2026-01-18")
    assert outcome.ok, outcome.errors
    # A second 优秀 among four rated breaks it: the row that does is named.
    again = pledges("GB006,2025,BSC01,解决三个问题；每月下访,2025-01-30,优秀,2026-01-18",
                    "GB009,2025,BSC01,联系两个社区；组织培训,2025-02-20,优秀,2026-01-18")
    assert again.errors == ["第3行 「评定等次」: 同一党组织同一年度评定为「优秀」的不得超过"
                            "已评定人数的三分之一（已评定 3 人）"]
    assert Pledge.objects.get(cadre__code="GB009").rating == "good"


def test_every_rule_is_a_row_error_and_nothing_is_written(roster):
    outcome = pledges(
        "GB001,2025,QD,只有一项,,,",
        "GB002,2025,QD,一；二；三；四；五；六,,,",
        "GB003,2025,BM01,一；二,,合格,2026-01-20",
        "GB004,2025,SQ0101,一；二,2025-03-05,良好,2026-01-20",
        "GB005,二〇二五,BM02,一；二,,,",
        "GB007,2025,SQ0101,一；二,2025-03-05,合格,",
    )
    assert outcome.errors == [
        "第2行 「承诺事项」: 承诺事项应为 2 至 5 项（现为 1 项）",
        "第3行 「承诺事项」: 承诺事项应为 2 至 5 项（现为 6 项）",
        "第4行 「评定等次」: 承诺公开后才能评定等次",
        "第5行 「评定等次」: 「良好」不是有效值，应为 优秀、合格、基本合格、不合格 之一",
        "第6行 「年度」: 「二〇二五」不是有效年度，应为四位数字",
        "第7行 「评定日期」: 评定等次须填写评定日期",
    ]
    assert not Pledge.objects.exists()


def test_a_pledge_published_in_december_of_the_year_before_counts(roster):
    assert pledges("GB001,2025,QD,每月接访；走遍办事处,2024-12-20,,").ok
    rows = {(r.subject_code, r.metric): r for r in
            compute_compliance(year=2025, as_of=dt.date(2025, 1, 31))}
    assert rows["GB001", "pledge_published"].actual == 1
    assert rows["GB002", "pledge_published"].actual == 0


def test_registrations_are_counted_on_the_as_of_date_per_community(roster):
    outcome = import_file(kind="registrations", filename="r.csv", content=(
        "干部编码,社区编码,报到日期,结束日期\n"
        "GB002,SQ0101,2025-01-01,2025-05-31\n"
        "GB002,SQ0102,2025-06-01,\n"
        "GB003,BSC01,2025-01-01,\n").encode())
    assert outcome.errors == ["第4行 「社区编码」: 报到单位应为社区"]
    assert not Registration.objects.exists()
    assert import_file(kind="registrations", filename="r.csv", content=(
        "干部编码,社区编码,报到日期,结束日期\n"
        "GB002,SQ0101,2025-01-01,2025-05-31\n"
        "GB002,SQ0102,2025-06-01,\n").encode()).ok

    def registered(as_of):
        return {r.subject_code: r.actual for r in compute_compliance(year=2025, as_of=as_of)
                if r.metric == "community_registration"}

    assert registered(dt.date(2025, 5, 31))["GB002"] == 1
    assert registered(dt.date(2025, 6, 1))["GB002"] == 1
    # GB004 serves in a 社区 and owes none; GB001 in the district owes one.
    assert "GB004" not in registered(dt.date(2025, 6, 1))
    assert registered(dt.date(2025, 6, 1))["GB001"] == 0
