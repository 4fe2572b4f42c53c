"""The cases behind a unit's petition clocks (#13): exactly the clocks its figures count, each
with its stage, due date and on time or late; never a case the reader may not see (an accused
cadre), and the petitioner always named masked."""

import datetime as dt

import pytest
from django.urls import reverse

from liaison.compliance.engine import Context, Window, compute_compliance
from liaison.compliance.records import records_behind
from liaison.models import Cadre, Organization
from liaison.permissions import Role
from tests.conftest import make_user
from tests.petitions.test_examples import systems  # noqa: F401  (fixture)
from tests.supervision.conftest import run_now

CLOCKS = ("petition_decisions", "petition_replies")


def district_reader():
    return make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"), username="zzb")


@pytest.mark.parametrize("as_of", [dt.date(2025, 6, 30), dt.date(2025, 12, 31)])
def test_the_cases_listed_are_exactly_the_clocks_counted(systems, as_of):  # noqa: F811
    reader = district_reader()
    rows = [r for r in compute_compliance(year=2025, as_of=as_of) if r.metric in CLOCKS]
    assert {r.metric for r in rows} == set(CLOCKS)
    ctx = Context(Window(2025, as_of))
    for row in rows:
        records = records_behind(ctx, row.metric, row.subject_id, reader=reader)
        assert records.total == len(records.rows) == row.target, (row.subject_code, row.metric)
        on_time = [r for r in records.rows if r["detail"].endswith("按期")]
        late = [r for r in records.rows if r["detail"].endswith("逾期")]
        assert len(on_time) == row.actual and len(on_time) + len(late) == row.target
        # A case received after A does not exist at A.
        assert all(r["date"] <= as_of for r in records.rows)


def test_a_case_shows_its_stage_due_date_and_a_masked_petitioner(systems):  # noqa: F811
    bsc01 = Organization.objects.get(code="BSC01")
    records = records_behind(Context(Window(2025, dt.date(2025, 6, 30))), "petition_replies",
                             bsc01.pk, reader=district_reader())
    row = next(r for r in records.rows if r["place"].startswith("XF2025003"))
    # Accepted 03-14, extended by 30 days on 05-06 (before A), replied 06-12: on time.
    assert row["date"] == dt.date(2025, 3, 3)
    assert row["place"] == "XF2025003（信访人 李****）" and "李某等6人" not in row["place"]
    assert row["detail"].startswith("已答复；期限 ")
    assert "2025-06-12办结" in row["detail"] and row["detail"].endswith("按期")


def test_the_accused_cadre_never_sees_the_case_behind_the_figure(systems, client):  # noqa: F811
    """XF2025002 accuses GB005; GB005 administers the handling unit BM01 all the same."""
    bm01 = Organization.objects.get(code="BM01")
    accused = Cadre.objects.get(code="GB005")
    accused.user = make_user(Role.UNIT_ADMIN, bm01, username="accused")
    accused.save()
    ctx = Context(Window(2025, dt.date(2025, 12, 31)))
    everyone = records_behind(ctx, "petition_decisions", bm01.pk, reader=district_reader())
    theirs = records_behind(ctx, "petition_decisions", bm01.pk, reader=accused.user)
    assert "XF2025002" in {r["place"][:9] for r in everyone.rows}
    assert "XF2025002" not in {r["place"][:9] for r in theirs.rows}
    assert theirs.total == everyone.total - 1
    # Without a reader nothing is listed (deny by default).
    assert records_behind(ctx, "petition_decisions", bm01.pk).total == 0


def test_the_unit_page_lists_the_cases_but_not_to_the_accused(
        systems, client, django_capture_on_commit_callbacks):  # noqa: F811
    bm01 = Organization.objects.get(code="BM01")
    accused = Cadre.objects.get(code="GB005")
    accused.user = make_user(Role.UNIT_ADMIN, bm01, username="accused")
    accused.save()
    run = run_now(django_capture_on_commit_callbacks, year=2025, as_of=dt.date(2025, 12, 31))
    assert run.status == "done", run.error
    query = {"year": 2025, "as_of": "2025-12-31", "unit": bm01.pk}

    client.force_login(district_reader())
    page = client.get(reverse("supervision:dashboard"), query).content.decode()
    assert "XF2025002" in page and "孙*" in page and "孙某" not in page
    client.force_login(accused.user)
    page = client.get(reverse("supervision:dashboard"), query)
    assert page.status_code == 200 and page.context["own_rows"]
    assert "XF2025002" not in page.content.decode()
