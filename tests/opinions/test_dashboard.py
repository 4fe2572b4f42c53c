"""The opinions page of the supervision dashboard (opinions.dashboard): per handling unit,
received, answered, adopted, feedback on time or overdue at the as-of date, published, and
analysis reports; never the content or the submitter."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from liaison.compliance.engine import Window
from liaison.models import Organization
from liaison.permissions import Role
from liaison.sections import SECTIONS
from opinions.models import Opinion, OpinionAnalysis
from opinions.services import opinion_save
from tests.conftest import make_user

D = dt.date
A = D(2025, 6, 30)


def an_opinion(handling, received, **fields):
    unit = Organization.objects.get(code=handling)
    return opinion_save(opinion=Opinion(received_on=received, channel=fields.pop("channel", "box"),
                                        collecting_unit=unit, handling_unit=unit,
                                        content="张三 13912345678 反映路灯坏了", **fields),
                        acting_user=None)


@pytest.fixture
def opinions(roster):
    # SQ0101 (in BSC01): adopted and fed back at once, then published.
    an_opinion("SQ0101", D(2025, 3, 3), result="adopted", explanation="已修复",
               feedback_on=D(2025, 3, 5), published=True)
    # BSC01's own level: rejected, answered after its due date.
    an_opinion("BSC01", D(2025, 1, 6), result="rejected", explanation="不符合条件",
               feedback_on=D(2025, 5, 6), channel="hotline")
    # BSC01: never answered: overdue at A.
    an_opinion("BSC01", D(2025, 2, 3))
    # BM02: answered after A: at A it is still overdue and not fed back.
    an_opinion("BM02", D(2025, 4, 1), result="partly", explanation="部分采纳",
               feedback_on=D(2025, 7, 15))
    OpinionAnalysis.objects.create(unit=Organization.objects.get(code="BSC01"),
                                   date=D(2025, 3, 31), title="一季度分析")


def figures(user, unit=None):
    return SECTIONS["opinions"].figures(user, Window(2025, A), unit)


def test_the_figures_per_handling_unit(opinions):
    result = figures(make_user(Role.ORG_DEPT, Organization.objects.get(code="QD")))
    rows = {r["unit"].code: r for r in result["rows"]}
    east, bm = rows["BSC01"], rows["BM02"]
    assert (east["received"], east["answered"], east["adopted"]) == (3, 2, 1)
    assert east["adoption_rate"] == 50.0
    # The late answer is neither on time nor overdue: it was given, after its due date.
    assert (east["on_time"], east["overdue"], east["published"]) == (1, 1, 1)
    assert east["analyses"] == 1
    # The answer of 15 July has not happened at A; the result is counted as recorded.
    assert (bm["received"], bm["on_time"], bm["overdue"]) == (1, 0, 1)
    assert "QD" not in rows  # nothing at the district's own level: no 本级 row
    assert result["totals"]["received"] == 4 and result["totals"]["overdue"] == 2
    assert dict(result["channels"]) == {"意见箱": 3, "热线电话": 1}


def test_the_drill_down_shows_the_units_own_level(opinions):
    org_dept = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"))
    rows = figures(org_dept, Organization.objects.get(code="BSC01"))["rows"]
    assert [(r["unit"].code, r["own_level"], r["received"]) for r in rows] == [
        ("BSC01", True, 2), ("SQ0101", False, 1), ("SQ0102", False, 0)]


def test_a_unit_admin_counts_only_their_units(opinions):
    west = make_user(Role.UNIT_ADMIN, Organization.objects.get(code="BSC02"))
    assert figures(west)["totals"]["received"] == 0


def test_the_page_never_shows_the_content_and_exports(client, opinions):
    client.force_login(make_user(Role.ORG_DEPT, Organization.objects.get(code="QD")))
    url = reverse("supervision:section", args=["opinions"]) + "?year=2025&as_of=2025-06-30"
    page = client.get(url).content.decode()
    assert "东城办事处" in page and "50.0%" in page
    assert "张三" not in page and "13912345678" not in page and "路灯" not in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    last = list(book["各单位"].values)[-1]
    assert last[:3] == ("合计", 4, 3)
