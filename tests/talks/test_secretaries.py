"""党组织负责人与党员谈心 for 组织部: every secretary in scope with their members reached twice
this year (member_talks), and one secretary's members."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from liaison.models import Cadre, Organization
from liaison.permissions import Role
from talks.models import Talk
from tests.conftest import make_user


def a_talk(day, initiator, *members):
    talk = Talk.objects.create(code=f"TK-{day}-{initiator}-{len(members)}", date=day,
                               initiator=Cadre.objects.get(code=initiator), type="secretary",
                               form="individual")
    talk.cadres.set(Cadre.objects.filter(code__in=members))


@pytest.fixture
def talks(roster):
    # GB004 leads SQ0101, whose other members are GB007 and GB008 (from 2025-04-01).
    a_talk(dt.date(2025, 3, 1), "GB004", "GB007")
    a_talk(dt.date(2025, 9, 1), "GB004", "GB007", "GB008")
    a_talk(dt.date(2024, 9, 1), "GB004", "GB008")  # the year before
    a_talk(dt.date(2025, 5, 1), "GB002", "GB007")  # not GB004's talk


def test_secretaries_with_their_members_reached_twice(client, talks):
    client.force_login(make_user(Role.ORG_DEPT, Organization.objects.get(code="QD")))
    url = reverse("talks:secretary_list") + "?year=2025"
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&export=xlsx").content))
    rows = {row[0]: row[2:] for row in list(book.active.values)[1:]}
    # members, talked to at least once, reached 2, still short
    assert rows["GB004"] == (2, 2, 1, 1)
    assert rows["GB003"] == (1, 0, 0, 1)
    page = client.get(url + "&short=1&q=赵").content.decode()
    assert "赵丽" in page and "王志强" not in page


def test_one_secretarys_members(client, talks):
    client.force_login(make_user(Role.ORG_DEPT, Organization.objects.get(code="QD")))
    secretary = Cadre.objects.get(code="GB004")
    page = client.get(reverse("talks:secretary_detail", args=[secretary.pk]) + "?year=2025")
    text = page.content.decode()
    assert "吴晓燕" in text and "2 / 2" in text and "郑强" in text and "1 / 2" in text


def test_a_unit_admin_sees_only_their_secretaries(client, talks):
    client.force_login(make_user(Role.UNIT_ADMIN, Organization.objects.get(code="BSC02")))
    assert "赵丽" not in client.get(reverse("talks:secretary_list")).content.decode()
    far = Cadre.objects.get(code="GB004")
    assert client.get(reverse("talks:secretary_detail", args=[far.pk])).status_code == 404
