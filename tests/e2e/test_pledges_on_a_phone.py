"""On a phone: a member drafts a pledge from a sector's suggestions and submits it, the unit
admin approves it, the member publishes it; a citizen, not logged in, opens the board from its
URL and rates it with a one-time code; the organization grades it."""

import pytest
from django.utils import timezone

from pledges.models import Pledge, PledgeReview
from pledges.sectors import suggested_items
from pledges.services import review_codes_issue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def log_in(page, url, username):
    page.goto(url)
    page.fill("#id_login", username)
    page.fill("#id_password", "Passw0rd!x")
    page.click("button[type=submit]")


def test_a_pledge_is_drafted_vetted_published_rated_by_a_citizen_and_graded(
        live_server, browser, phone, users, tree):
    year = timezone.localdate().year
    # The member drafts: the sector fills in its suggested items, which the member edits.
    log_in(phone, live_server.url + "/pledges/add/", "ganbu")
    phone.wait_for_url("**/pledges/add/")
    assert fits_the_phone(phone)
    phone.select_option("#id_organization", label="东城一社区")
    phone.select_option("#id_sector", label="社区")
    assert phone.input_value("#id_items") == suggested_items("community")
    items = suggested_items("community").split("\n")[:2] + ["每月帮独居老人代购一次生活用品"]
    phone.fill("#id_items", "\n".join(items))
    phone.click("button:has-text('保存')")
    phone.wait_for_url("**/pledges/*/")
    pledge = Pledge.objects.get(cadre=tree.cadre_in, year=year)
    assert (pledge.sector, pledge.status) == ("community", "draft")
    assert "草稿" in phone.text_content("#vetting")
    phone.click("button:has-text('提交党组织审核')")
    assert "已提交党组织审核" in phone.text_content(".alert")
    assert "待审核" in phone.text_content("#vetting")

    # The unit admin of 东城 vets it from the queue.
    admin = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    log_in(admin, live_server.url + "/pledges/vetting/", "dwgly")
    admin.wait_for_url("**/pledges/vetting/")
    admin.click("a.list-group-item:has-text('张三')")
    admin.wait_for_url(f"**/pledges/{pledge.pk}/vet/")
    assert fits_the_phone(admin)
    admin.check("input[value=approve]")
    admin.click("button:has-text('提交审核意见')")
    assert "已审核通过" in admin.text_content(".alert")

    # The member publishes it.
    phone.reload()
    phone.click("button:has-text('公开承诺')")
    assert "承诺已公开" in phone.text_content(".alert")
    pledge.refresh_from_db()
    assert pledge.published_on == timezone.localdate()

    # A citizen with a code from the unit rates it from the public board.
    (code,) = review_codes_issue(organization=tree.community_in, year=year, count=1,
                                 acting_user=users.unit_admin)
    citizen = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    citizen.goto(live_server.url + "/pledges/board/SQ0101/")
    assert "每月帮独居老人代购一次生活用品" in citizen.text_content("main")
    assert fits_the_phone(citizen)
    citizen.click("a:has-text('我来评议')")
    citizen.fill("#id_code", code.code.lower())
    citizen.check("input[value=satisfied]")
    citizen.fill("#id_comment", "代购很及时")
    citizen.click("button:has-text('提交评议')")
    assert "感谢您的评议" in citizen.text_content(".alert")
    assert "满意 1" in citizen.text_content("main")
    review = PledgeReview.objects.get(pledge=pledge)
    assert (review.kind, review.comment) == ("masses", "代购很及时")

    # The organization grades it; the board shows the grade.
    admin.goto(live_server.url + f"/pledges/{pledge.pk}/edit/")
    admin.select_option("#id_rating", label="合格")
    admin.fill("#id_rated_on", timezone.localdate().isoformat())
    admin.click("button:has-text('保存')")
    admin.wait_for_url(f"**/pledges/{pledge.pk}/")
    pledge.refresh_from_db()
    assert pledge.rating == "good"
    citizen.reload()
    assert "评定：合格" in citizen.text_content("main")
    for page in (admin, citizen):
        page.context.close()
