"""Keeping a published pledge: the wording and date are frozen (changes are dated amendments),
progress notes per item, and the public board with its QR poster."""

import datetime as dt

from django.urls import reverse

from pledges.models import Pledge

ITEMS = "每周入户走访\n组织邻里活动"


def published(tree):
    pledge = tree.pledge_in
    pledge.items, pledge.published_on = ITEMS, dt.date(2025, 3, 5)
    pledge.save()
    return pledge


def test_a_published_pledge_cannot_be_edited_silently(client, users, tree):
    pledge = published(tree)
    client.force_login(users.cadre)
    url = reverse("pledges:pledge_edit", args=[pledge.pk])
    data = {"year": 2025, "organization": tree.community_in.pk, "items": "每月入户走访\n组织邻里活动",
            "published_on": "2025-04-01", "rating": "", "rated_on": ""}
    page = client.post(url, data).content.decode()
    assert "承诺已公开，内容不能直接修改" in page and "公开日期不能修改" in page
    pledge.refresh_from_db()
    assert pledge.items == ITEMS and pledge.published_on == dt.date(2025, 3, 5)


def test_an_amendment_is_recorded_with_its_date_and_shown_on_the_board(client, users, tree):
    pledge = published(tree)
    client.force_login(users.cadre)
    client.post(reverse("pledges:pledge_amend", args=[pledge.pk]),
                {"items": "每月入户走访两次\n组织邻里活动", "reason": "社区调整走访安排"})
    pledge.refresh_from_db()
    assert pledge.item_list() == ["每月入户走访两次", "组织邻里活动"]
    amendment = pledge.amendments.get()
    assert (amendment.before, amendment.reason) == (ITEMS, "社区调整走访安排")
    client.logout()
    board = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": 2025})
    text = board.content.decode()
    assert board.status_code == 200 and "每月入户走访两次" in text
    assert f"{amendment.date:%Y-%m-%d} 修改：社区调整走访安排" in text


def test_progress_notes_give_each_item_its_status_and_dated_timeline(client, users, tree):
    pledge = published(tree)
    client.force_login(users.cadre)
    url = reverse("pledges:pledge_progress", args=[pledge.pk])
    client.post(url, {"item": 1, "date": "2025-04-01", "status": "in_progress", "note": "已走访 8 户"})
    client.post(url, {"item": 1, "date": "2025-06-30", "status": "kept", "note": "上半年完成"})
    refused = client.post(url, {"item": 2, "date": "2025-03-01", "status": "kept", "note": "早"})
    assert "进展日期不能早于公开日期 2025-03-05" in refused.content.decode()
    client.logout()
    text = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": "2025"}) \
        .content.decode()
    assert "已兑现" in text and "2025-04-01 推进中：已走访 8 户" in text and "未开始" in text


def test_an_unpublished_pledge_is_not_on_the_board_and_takes_no_progress(client, users, tree):
    Pledge.objects.filter(pk=tree.pledge_in.pk).update(published_on=None)
    client.force_login(users.cadre)
    page = client.post(reverse("pledges:pledge_progress", args=[tree.pledge_in.pk]),
                       {"item": 1, "date": "2025-04-01", "status": "kept", "note": "x"})
    assert "承诺公开后才能登记践诺进展" in page.content.decode()
    client.logout()
    board = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": 2025})
    assert "2025年暂无公开的党员承诺" in board.content.decode()


def test_another_units_pledge_takes_no_progress_from_this_cadre(client, users, tree):
    tree.pledge_out.published_on = dt.date(2025, 3, 5)
    tree.pledge_out.save()
    client.force_login(users.cadre)
    url = reverse("pledges:pledge_progress", args=[tree.pledge_out.pk])
    assert client.post(url, {"item": 1, "date": "2025-04-01", "status": "kept",
                             "note": "x"}).status_code == 404
    # Only the tree's own note (tests/conftest.py: progress_out), none from this cadre.
    assert list(Pledge.objects.get(pk=tree.pledge_out.pk).progress.all()) == [tree.progress_out]


def test_the_board_poster_is_a_pdf_for_the_units_keepers(client, users, tree):
    client.force_login(users.unit_admin)
    response = client.get(reverse("pledges:poster", args=["SQ0101"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    listed = client.get(reverse("pledges:pledge_list")).content.decode()
    assert reverse("pledges:board", args=["BSC01"]) in listed


def test_a_published_pledge_is_not_deleted_moved_or_graded_by_its_member(client, users, tree):
    pledge = published(tree)
    client.force_login(users.cadre)
    assert client.post(reverse("pledges:pledge_delete", args=[pledge.pk])).status_code == 403
    form = client.get(reverse("pledges:pledge_edit", args=[pledge.pk])).context["form"]
    assert "rating" not in form.fields  # the grade is the organization's
    client.force_login(users.unit_admin)
    page = client.post(reverse("pledges:pledge_edit", args=[pledge.pk]), {
        "cadre": tree.cadre_in.pk, "year": 2024, "organization": tree.community_in.pk,
        "items": "每周入户走访\r\n组织邻里活动", "published_on": "2025-03-05",
        "rating": "", "rated_on": ""}).content.decode()
    assert "承诺已公开，年度不能修改" in page
    assert "内容不能直接修改" not in page  # the browser's line breaks are no change


def test_lowering_another_grade_may_not_break_the_one_third_cap(client, users, tree):
    from tests.factories import PositionFactory

    pledges = [Pledge.objects.create(cadre=PositionFactory(organization=tree.community_in).cadre,
                                     year=2025,
                                     organization=tree.community_in, items="一；二",
                                     published_on=dt.date(2025, 3, 1), rating=rating,
                                     rated_on=dt.date(2025, 12, 1))
               for rating in ("excellent", "good", "good")]
    client.force_login(users.unit_admin)
    page = client.post(reverse("pledges:pledge_edit", args=[pledges[1].pk]), {
        "cadre": pledges[1].cadre.pk, "year": 2025, "organization": tree.community_in.pk,
        "items": "一\n二", "published_on": "2025-03-01", "rating": "", "rated_on": ""})
    assert "不得超过已评定人数的三分之一" in page.content.decode()
    assert Pledge.objects.get(pk=pledges[1].pk).rating == "good"


def test_the_public_board_hides_personal_data_in_notes(client, users, tree):
    pledge = published(tree)
    client.force_login(users.cadre)
    client.post(reverse("pledges:pledge_progress", args=[pledge.pk]),
                {"item": 1, "date": "2025-04-01", "status": "in_progress",
                 "note": "走访李阿姨，电话13812345678"})
    client.logout()
    text = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": 2025}) \
        .content.decode()
    assert "走访某阿姨，电话[电话已隐去]" in text and "13812345678" not in text


def test_the_workbench_shows_the_members_pledge_and_registration(client, users, tree):
    published(tree)
    client.force_login(users.cadre)
    page = client.get(reverse("workbench"), {"year": 2025}).content.decode()
    assert "我的承诺" in page and "每周入户走访" in page and "2025-03-05 已公开" in page
    assert "东城一社区" in page  # registered there (tree.registration_in)
