"""The research and contact-point systems' pages of the dashboard and their bulletin chapters
(liaison.sections, declared in research/dashboard.py and contactpoints/dashboard.py)."""

import datetime as dt

from django.urls import reverse

from liaison.compliance.engine import Window
from liaison.models import Organization
from liaison.sections import SECTIONS

WINDOW = Window(2025, dt.date(2025, 12, 31))
YEAR = {"year": 2025, "as_of": "2025-12-31"}


def by_unit(figures, *measures):
    return {(r["unit"].code, r["own_level"]): tuple(r[m] for m in measures)
            for r in figures["rows"]}


def test_research_figures_by_unit(people, example):
    f = SECTIONS["research"].figures(people.org_dept, WINDOW, None)
    assert f["totals"] == {"trips": 5, "cadres": 3, "problems": 0, "reports": 3, "adopted": 1,
                           "returned": 1}
    assert dict(f["by_place"])["居民院落"] == 3
    rows = by_unit(f, "trips", "reports", "adopted")
    assert rows[("QD", True)] == (3, 2, 1)  # 张建国, a district leader: the district's own
    assert rows[("BM01", False)] == (1, 1, 0)
    assert rows[("BSC01", False)] == (1, 0, 0)


def test_research_figures_of_a_unit_and_of_a_unit_admin(people, example):
    east = Organization.objects.get(code="BSC01")
    f = SECTIONS["research"].figures(people.org_dept, WINDOW, east)
    assert f["totals"]["trips"] == 1  # 周海's trip only
    assert by_unit(f, "trips")[("BSC01", True)] == (1,)
    f = SECTIONS["contactpoints"].figures(people.east_admin, WINDOW, None)
    assert f["totals"]["visits"] == 2  # 赵丽's household visits, in 东城一社区


def test_visit_figures_by_kind_and_unit(people, example):
    f = SECTIONS["contactpoints"].figures(people.org_dept, WINDOW, None)
    assert f["totals"]["visits"] == 9 and f["totals"]["households"] == 2
    assert dict(f["by_kind"]) == {"领导联系点": 3, "单位联系社区": 2, "入户走访": 4}
    rows = by_unit(f, "visits", "leader_point", "unit_community", "household")
    assert rows[("QD", True)] == (3, 3, 0, 0)
    assert rows[("BM01", False)] == (2, 0, 2, 0)
    assert rows[("BM02", False)] == (2, 0, 0, 2)
    assert rows[("BSC01", False)] == (2, 0, 0, 2)


def test_the_pages_open_drill_down_and_export(client, people, example):
    client.force_login(people.org_dept)
    for name, text in (("research", "调查研究情况"), ("contactpoints", "联系点和入户走访情况")):
        url = reverse("supervision:section", kwargs={"name": name})
        assert text in client.get(url, YEAR).content.decode()
        east = client.get(url, {**YEAR, "unit": Organization.objects.get(code="BSC01").pk})
        assert east.status_code == 200 and east.context["unit"].code == "BSC01"
        export = client.get(url, {**YEAR, "export": "1"})
        assert export["Content-Type"].startswith("application/vnd.openxmlformats")
