"""The visits import (spec/import.md), in bulk: the same rules as one row at a time."""

import datetime as dt

from contactpoints.models import Visit
from liaison.imports import import_file
from liaison.models import ClosedYear, Organization
from tests.factories import AssignmentFactory, CadreFactory, HouseholdFactory, PositionFactory

HEADER = "联系类型,联系人编码,联系对象编码,开始日期,结束日期\n"


def run(text, user=None):
    return import_file(kind="visits", filename="v.csv", content=(HEADER + text).encode(),
                       acting_user=user)


def test_visits_of_every_kind_import_with_history_and_reimport_unchanged(users, tree):
    leader = CadreFactory(code="LD1")
    PositionFactory(cadre=leader, organization=tree.district, category="district_leader")
    AssignmentFactory(kind="leader_point", cadre=leader, target_org=tree.east,
                      start_date=dt.date(2024, 1, 1))
    AssignmentFactory(kind="unit_community", unit=tree.unit, target_org=tree.community_in,
                      start_date=dt.date(2024, 1, 1))
    text = ("领导联系点,LD1,BSC01,2025-01-15,\n"
            "单位联系社区,BM01,SQ0101,2025-03-10,2025-03-11\n"
            "入户走访,GB001,HH001,2025-03-15,\n"
            "入户走访,GB001,HH002,2025-03-15,\n")
    first = run(text)
    assert first.ok, first.errors
    assert first.new == 4
    created = Visit.objects.get(kind="unit_community")
    assert created.end_date == dt.date(2025, 3, 11)
    assert Visit.history.filter(id=created.pk, history_type="+").exists()
    again = run(text)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 4)
    changed = run(text.replace("2025-03-10,2025-03-11", "2025-03-10,2025-03-12"))
    assert (changed.updated, changed.unchanged) == (1, 3)
    created.refresh_from_db()
    assert created.end_date == dt.date(2025, 3, 12)
    assert Visit.history.filter(id=created.pk, history_type="~").exists()


def test_bad_rows_are_rejected_whole_with_row_numbers(users, tree):
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    before = Visit.objects.count()
    outcome = run("入户走访,GB001,HH001,2025-05-01,\n"
                  "领导联系点,GB001,SQ0101,2025-05-02,\n"
                  "入户走访,GB001,HH001,2025-04-30,2025-05-02\n"
                  f"入户走访,GB001,HH002,{future},\n")
    assert outcome.errors == [
        "第3行 「联系对象编码」: 该日期无有效联系关系",
        "第4行 「开始日期」: 与已登记的走访（2025-05-01 至 2025-05-01）日期重叠",
        f"第5行 「开始日期」: 日期 {future} 在今天之后，不能登记未来的活动",
    ]
    assert Visit.objects.count() == before


def test_a_visit_overlapping_one_already_stored_is_rejected(users, tree):
    stored = tree.visit_in  # the same natural key would update it; a day earlier overlaps it
    outcome = run(f"入户走访,GB001,HH001,{stored.start_date - dt.timedelta(days=1):%Y-%m-%d},"
                  f"{stored.start_date:%Y-%m-%d}\n")
    assert len(outcome.errors) == 1 and outcome.errors[0].endswith("日期重叠")


def test_a_closed_year_rejects_its_visits(users, tree):
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    outcome = run("入户走访,GB001,HH002,2025-06-01,\n")
    assert outcome.errors == ["第2行: 2025年已关闭，该年度的记录不能新增、修改或删除"]


def test_a_unit_admin_imports_only_inside_their_scope(users, tree):
    HouseholdFactory(code="HH900", community=tree.community_in)
    outcome = run("入户走访,GB001,HH900,2025-06-01,\n入户走访,GB002,HH002,2025-06-01,\n",
                  user=users.unit_admin)
    assert outcome.errors == ["第3行: 该记录超出您的管理范围"]
    assert not Visit.objects.filter(target_household__code="HH900").exists()
    ok = run("入户走访,GB001,HH900,2025-06-01,\n", user=users.unit_admin)
    assert ok.ok and Visit.history.get(target_household__code="HH900").history_user == \
        users.unit_admin
    assert Organization.objects.filter(code="SQ0101").exists()
