"""评议定级: self, peer and leader reviews, the masses' review with one-time codes."""

import datetime as dt

from django.urls import reverse

from liaison.permissions import Role
from pledges.models import PledgeReview, ReviewCode
from pledges.services import review_codes_issue
from tests.conftest import make_user
from tests.factories import CadreFactory, PositionFactory


def test_a_one_time_code_rates_once_and_only_its_organizations_pledges(client, users, tree):
    codes = review_codes_issue(organization=tree.community_in, year=2025, count=2,
                               acting_user=users.unit_admin)
    other = review_codes_issue(organization=tree.community_out, year=2025, count=1,
                               acting_user=users.unit_admin)
    url = reverse("pledges:public_review", args=["SQ0101", tree.pledge_in.pk])
    assert client.get(url).status_code == 200  # no login
    wrong = client.post(url, {"code": other[0].code, "verdict": "satisfied"})
    assert "评议码无效或已使用" in wrong.content.decode()
    done = client.post(url, {"code": codes[0].code.lower(), "verdict": "satisfied",
                             "comment": "走访很勤"})
    assert done.status_code == 302
    again = client.post(url, {"code": codes[0].code, "verdict": "unsatisfied"})
    assert "评议码无效或已使用" in again.content.decode()
    review = PledgeReview.objects.get()
    assert (review.kind, review.verdict, review.comment) == ("masses", "satisfied", "走访很勤")
    assert ReviewCode.objects.get(code=codes[0].code).review == review
    board = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": 2025})
    assert "满意 1" in board.content.decode()


def test_guessing_codes_is_slowed_down(client, tree):
    url = reverse("pledges:public_review", args=["SQ0101", tree.pledge_in.pk])
    for _ in range(10):
        client.post(url, {"code": "AAAAAAAA", "verdict": "satisfied"})
    assert client.post(url, {"code": "BBBBBBBB", "verdict": "satisfied"}).status_code == 429


def test_self_peer_and_leader_reviews_each_once(client, users, tree):
    login = make_user(Role.CADRE, tree.community_in, username="peer")
    peer = PositionFactory(cadre=CadreFactory(code="GB060", user=login),
                           organization=tree.community_in, category="party_member",
                           start_date=dt.date(2020, 1, 1)).cadre
    url = reverse("pledges:pledge_review", args=[tree.pledge_in.pk])
    client.force_login(users.cadre)  # GB001, the pledge's member
    client.post(url, {"verdict": "satisfied"})
    again = client.post(url, {"verdict": "fairly"})
    assert "您已评议过这份承诺" in again.content.decode()
    client.force_login(peer.user)  # a fellow member of 东城一社区
    client.post(url, {"verdict": "fairly", "comment": "还需加强"})
    client.force_login(users.unit_admin)
    client.post(url, {"verdict": "satisfied"})
    assert sorted(PledgeReview.objects.values_list("kind", "verdict")) == [
        ("leader", "satisfied"), ("peer", "fairly"), ("self", "satisfied")]
    client.force_login(users.inspector)
    assert client.post(url, {"verdict": "satisfied"}).status_code == 403


def test_codes_are_issued_and_exported_by_the_units_keepers(client, users, tree):
    client.force_login(users.unit_admin)
    url = reverse("pledges:review_codes", args=["SQ0101"])
    client.post(url, {"year": 2025, "count": 3})
    assert ReviewCode.objects.filter(organization=tree.community_in, year=2025).count() == 3
    export = client.get(url, {"year": 2025, "export": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("pledges:review_codes", args=["SQ0201"])).status_code == 404
