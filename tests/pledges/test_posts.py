"""设岗定责: a unit's posts and the members assigned to them, shown on the pledge and the board."""

import datetime as dt

from django.urls import reverse

from pledges.models import Pledge, PledgePost
from tests.factories import CadreFactory, PositionFactory
from tests.viewtests import (
    CreateViewTests,
    DeleteViewTests,
    DetailViewTests,
    EditViewTests,
    HistoryViewTests,
    ListViewTests,
)


class TestPledgePostViews(ListViewTests, DetailViewTests, CreateViewTests, EditViewTests,
                          DeleteViewTests, HistoryViewTests):
    model = PledgePost
    url_name = "pledges:post"
    in_scope, out_of_scope = "post_in", "post_out"
    edit_changes = {"responsibilities": "代办服务；帮办低保续办"}

    def form_data(self, tree):
        return {"name": "党员责任区一网格", "kind": "duty_area",
                "organization": tree.community_in.pk, "responsibilities": "网格巡查",
                "members": [tree.cadre_in.pk]}

    def deletable(self, tree):
        return tree.post_in


def test_members_are_the_units_own_and_are_listed_on_the_post(client, users, tree):
    client.force_login(users.unit_admin)
    stranger = CadreFactory(code="GB090", name="外单位人")
    PositionFactory(cadre=stranger, organization=tree.unit, start_date=dt.date(2020, 1, 1))
    data = {"name": "先锋岗", "kind": "vanguard", "organization": tree.community_in.pk,
            "responsibilities": "窗口服务", "members": [tree.cadre_in.pk, stranger.pk]}
    refused = client.post(reverse("pledges:post_create"), data)
    assert refused.status_code == 200 and not PledgePost.objects.filter(name="先锋岗").exists()
    # 外单位人 serves outside the admin's units: not even offered.
    assert "members" in refused.context["form"].errors
    post = PledgePost.objects.get(pk=tree.post_in.pk)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "张三" in page and "代办服务" in page


def test_a_member_from_elsewhere_is_refused_by_the_rule(users, tree):
    import pytest
    from django.core.exceptions import ValidationError

    from pledges.services import pledge_post_save

    stranger = CadreFactory(code="GB091", name="西城人")
    PositionFactory(cadre=stranger, organization=tree.community_out,
                    start_date=dt.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="西城人不在东城一社区任职"):
        pledge_post_save(post=tree.post_in, members=[tree.cadre_in, stranger],
                         acting_user=users.unit_admin)


def test_a_cadre_reads_their_units_posts_but_does_not_keep_them(client, users, tree):
    client.force_login(users.cadre)
    listed = client.get(reverse("pledges:post_list")).context["page"].object_list
    assert [p.pk for p in listed] == [tree.post_in.pk]
    assert client.get(reverse("pledges:post_edit", args=[tree.post_in.pk])).status_code == 403


def test_the_post_is_shown_on_the_pledge_and_the_board(client, users, tree):
    client.force_login(users.cadre)
    url = reverse("pledges:pledge_create")
    client.post(url, {"year": 2026, "organization": tree.community_in.pk,
                      "post": tree.post_in.pk, "items": "代办低保；代办医保"})
    pledge = Pledge.objects.get(cadre=tree.cadre_in, year=2026)
    assert pledge.post == tree.post_in
    assert "党员先锋岗·便民服务窗口" in client.get(pledge.get_absolute_url()).content.decode()
    Pledge.objects.filter(pk=tree.pledge_in.pk).update(post=tree.post_in)
    client.logout()
    board = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": 2025})
    text = board.content.decode()
    assert "岗位：党员先锋岗·便民服务窗口" in text and "（代办服务）" in text


def test_a_pledge_names_only_a_post_its_member_holds(client, users, tree):
    other = PledgePost.objects.create(name="调解岗", kind="model", organization=tree.community_in,
                                      responsibilities="调解纠纷")
    client.force_login(users.unit_admin)
    page = client.post(reverse("pledges:pledge_create"), {
        "cadre": tree.cadre_in.pk, "year": 2026, "organization": tree.community_in.pk,
        "post": other.pk, "items": "调解；走访"})
    assert "「党员示范岗·调解岗」未安排该党员" in page.content.decode()
