"""评议定级表: an organization's rated pledges of a year with their reviews and grades (PDF)."""

import datetime as dt
import subprocess

from django.urls import reverse

from pledges.models import Pledge, PledgeReview
from tests.factories import CadreFactory


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.content,
                          capture_output=True, check=True).stdout.decode()


def rated(tree):
    pledge = tree.pledge_in
    pledge.post = tree.post_in
    pledge.rating, pledge.rated_on = "good", dt.date(2026, 1, 10)
    pledge.save()
    for kind, verdict in (("self", "satisfied"), ("masses", "satisfied"),
                          ("masses", "satisfied"), ("masses", "unsatisfied"),
                          ("leader", "fairly")):
        PledgeReview.objects.create(pledge=pledge, kind=kind, verdict=verdict)
    other = Pledge.objects.create(cadre=CadreFactory(code="GB080", name="赵六"), year=2025,
                                  organization=tree.community_in, items="一；二",
                                  status="approved", published_on=dt.date(2025, 3, 2))
    return pledge, other


def test_the_sheet_lists_the_rated_pledges_with_their_reviews_and_grade(client, users, tree):
    pledge, unrated = rated(tree)
    client.force_login(users.unit_admin)
    text = pdf_text(client.get(reverse("pledges:grade_sheet", args=["SQ0101"]),
                               {"year": 2025}))
    assert "东城一社区2025年党员承诺评议定级表" in text
    assert "张三" in text and "每周入户走访" in text and "便民服务窗口" in text
    assert "满意2；不满意1" in text  # the masses' codes, counted
    assert "基本满意1" in text and "合格" in text and "2026-01-10" in text
    assert "赵六" not in text and "已公开尚未评定 1 人" in text
    assert "已评定 1 人" in text


def test_the_sheet_is_for_the_units_keepers_and_readers_only(client, users, tree):
    rated(tree)
    url = reverse("pledges:grade_sheet", args=["SQ0201"])  # 西城: outside every test user
    client.force_login(users.org_dept)
    assert client.get(url, {"year": 2025}).status_code == 404
    client.force_login(users.cadre)
    own = reverse("pledges:grade_sheet", args=["SQ0101"])
    assert client.get(own, {"year": 2025}).status_code == 403
    client.force_login(users.inspector)
    assert client.get(own, {"year": 2025})["Content-Type"] == "application/pdf"


def test_the_list_links_the_sheet_for_its_keepers(client, users, tree):
    client.force_login(users.unit_admin)
    page = client.get(reverse("pledges:pledge_list")).content.decode()
    assert reverse("pledges:grade_sheet", args=["BSC01"]) in page
