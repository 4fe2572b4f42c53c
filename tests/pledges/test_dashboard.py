"""The pledges page of the supervision dashboard (pledges.dashboard): per Party organization,
pledges published and graded by the as-of date, items by their latest progress, community
registrations on that date."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from liaison.compliance.engine import Window
from liaison.models import Cadre, Organization
from liaison.permissions import Role
from liaison.sections import SECTIONS
from pledges.models import Pledge, PledgeProgress, Registration, ServiceActivity, ServiceSignup
from tests.conftest import make_user

D = dt.date
A = D(2025, 6, 30)


def a_pledge(cadre, org, **fields):
    return Pledge.objects.create(cadre=Cadre.objects.get(code=cadre), year=2025,
                                 organization=Organization.objects.get(code=org),
                                 items="帮扶两户困难群众\n每月走访一次", **fields)


def a_note(pledge, item, day, status):
    PledgeProgress.objects.create(pledge=pledge, item=item, date=day, status=status,
                                  note="进展")


@pytest.fixture
def pledges(roster):
    kept = a_pledge("GB004", "SQ0101", published_on=D(2025, 3, 1), rating="excellent",
                    rated_on=D(2025, 6, 1))
    a_note(kept, 1, D(2025, 4, 1), "in_progress")
    a_note(kept, 1, D(2025, 5, 1), "kept")  # the latest of item 1
    a_note(kept, 2, D(2025, 4, 1), "blocked")
    a_note(kept, 2, D(2025, 8, 1), "kept")  # after A: item 2 is still 受阻 at A
    a_pledge("GB007", "SQ0101", published_on=D(2025, 3, 1), rating="good",
             rated_on=D(2025, 12, 1))  # graded after A: not yet rated at A
    a_pledge("GB008", "SQ0101", published_on=D(2025, 7, 1))  # published after A
    a_pledge("GB005", "BM02")  # a draft
    Registration.objects.create(cadre=Cadre.objects.get(code="GB005"),
                                community=Organization.objects.get(code="SQ0101"),
                                start_date=D(2025, 2, 1))
    Registration.objects.create(cadre=Cadre.objects.get(code="GB011"),
                                community=Organization.objects.get(code="SQ0102"),
                                start_date=D(2025, 2, 1), end_date=D(2025, 5, 1))
    cleanup = ServiceActivity.objects.create(
        community=Organization.objects.get(code="SQ0101"), kind="activity", title="清扫楼道",
        date=D(2025, 5, 10))
    ServiceSignup.objects.create(activity=cleanup, cadre=Cadre.objects.get(code="GB005"),
                                 hours="3.5")
    ServiceSignup.objects.create(activity=cleanup, cadre=Cadre.objects.get(code="GB011"))
    later = ServiceActivity.objects.create(
        community=Organization.objects.get(code="SQ0101"), kind="activity", title="义诊",
        date=D(2025, 8, 1))  # after A
    ServiceSignup.objects.create(activity=later, cadre=Cadre.objects.get(code="GB005"),
                                 hours=2)


def figures(user, unit=None):
    return SECTIONS["pledges"].figures(user, Window(2025, A), unit)


def test_the_figures_per_organization_at_the_as_of_date(pledges):
    result = figures(make_user(Role.ORG_DEPT, Organization.objects.get(code="QD")))
    rows = {r["unit"].code: r for r in result["rows"]}
    east = rows["BSC01"]
    assert (east["pledges"], east["published"], east["rated"]) == (3, 2, 1)
    assert east["published_rate"] == 66.7
    assert east["grades"] == [1, 0, 0, 0]
    assert east["registered"] == 1  # SQ0102's registration ended before A
    # Hours recorded for the window's activities; a sign-up without hours is not counted.
    assert (east["hours"], east["volunteers"]) == (3.5, 1)
    assert (result["totals"]["hours"], result["totals"]["volunteers"]) == (3.5, 1)
    assert (rows["BM02"]["pledges"], rows["BM02"]["published"]) == (1, 0)
    items = dict(result["items"])
    assert (items["已兑现"], items["受阻"], items["推进中"]) == (1, 1, 0)
    assert result["without_notes"] == 1  # GB007's published pledge has no note


def test_the_page_and_the_workbook(client, pledges):
    client.force_login(make_user(Role.INSPECTOR, Organization.objects.get(code="QD")))
    url = reverse("supervision:section", args=["pledges"]) + "?year=2025&as_of=2025-06-30"
    assert "东城办事处" in client.get(url).content.decode()
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    assert list(book["各党组织"].values)[-1][:4] == ("合计", 4, 2, "50.0%")
