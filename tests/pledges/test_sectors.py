"""The seven sectors of policy 三(六)2: a member picks one and starts from its suggested items."""

import json

from django.urls import reverse

from pledges.models import Pledge
from pledges.sectors import SECTORS, suggested_items


def test_the_seven_sectors_of_the_policy_each_suggest_two_to_five_items():
    assert [s.label for s in SECTORS] == ["社区", "机关和事业单位", "企业", "教育", "卫生",
                                          "窗口服务单位", "社会组织"]
    for sector in SECTORS:
        assert 2 <= len(sector.suggestions) <= 5, sector.code
    window = suggested_items("window")
    assert "亮标准、亮身份、亮承诺" in window and "比技能、比作风、比业绩" in window
    assert suggested_items("nonsense") == ""


def test_a_sector_picked_on_the_create_page_prefills_its_items(client, users, tree):
    client.force_login(users.cadre)
    page = client.get(reverse("pledges:pledge_create"), {"sector": "window"})
    form = page.context["form"]
    assert form["sector"].value() == "window"
    assert form["items"].value() == suggested_items("window")
    text = page.content.decode()
    assert "三亮三比三评" in text and 'src="/static/pledges/pledge_form.js"' in text
    # The select carries every sector's suggestions for the script.
    data = json.loads(form.fields["sector"].widget.attrs["data-suggestions"])
    assert data["health"] == suggested_items("health")


def test_the_prefilled_items_are_edited_and_saved_with_the_sector(client, users, tree):
    client.force_login(users.cadre)
    items = suggested_items("government").split("\n")[:2] + ["每月为报到社区办一件实事"]
    client.post(reverse("pledges:pledge_create"), {
        "year": 2026, "organization": tree.community_in.pk, "sector": "government",
        "items": "\n".join(items)})
    pledge = Pledge.objects.get(cadre=tree.cadre_in, year=2026)
    assert (pledge.sector, pledge.item_list()[-1]) == ("government", "每月为报到社区办一件实事")
    assert pledge.status == Pledge.Status.DRAFT
    assert "机关和事业单位" in client.get(pledge.get_absolute_url()).content.decode()


def test_the_public_board_shows_the_sector_and_three_three_three_for_windows(client, tree):
    Pledge.objects.filter(pk=tree.pledge_in.pk).update(sector="window")
    text = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": 2025}) \
        .content.decode()
    assert "窗口服务单位" in text and "三亮三比三评" in text
