"""A cadre on a phone records a talk with two linked households in one form, forwards one of
the opinions raised, and sees the workbench progress change."""

import pytest
from django.utils import timezone

from opinions.models import Opinion
from talks.models import Talk
from tests.factories import AssignmentFactory, HouseholdFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PROGRESS = "li.list-group-item:has-text('与联系群众谈心次数')"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_cadre_records_a_talk_forwards_an_opinion_and_sees_the_progress(
        live_server, phone, users, tree):
    second = HouseholdFactory(code="HH021", community=tree.community_in)
    AssignmentFactory(kind="household", cadre=tree.cadre_in, target_household=second,
                      start_date=tree.assignment_in.start_date)
    today = timezone.localdate()

    phone.goto(live_server.url + "/me/")
    phone.fill("#id_login", "ganbu")
    phone.fill("#id_password", "Passw0rd!x")
    phone.click("button[type=submit]")
    phone.wait_for_url("**/me/")
    assert "已完成 0次 / 全年要求 2次" in phone.text_content(PROGRESS)

    phone.click("a.btn:has-text('登记谈心谈话')")
    phone.wait_for_url("**/talks/add/**")
    assert fits_the_phone(phone)
    phone.select_option("#id_type", label="与联系群众谈心")
    phone.select_option("#id_form", label="随机交流")
    for code in ("HH001", "HH021"):
        phone.locator("[data-option]", has_text=code).locator("input").check()
    phone.fill("#id_summary", "了解冬季取暖情况")
    phone.fill("#id_opinions_raised", "希望增设路灯\n垃圾清运不及时")
    phone.click("button:has-text('保存')")
    phone.wait_for_url("**/me/")
    assert "已保存" in phone.text_content(".alert")
    assert "已完成 1次 / 全年要求 2次" in phone.text_content(PROGRESS)
    assert fits_the_phone(phone)

    phone.click(f"a:has-text('{today:%Y-%m-%d} 与联系群众谈心')")
    phone.wait_for_url("**/talks/*/")
    phone.locator("form:near(:text('希望增设路灯'))").first.locator(
        "button:has-text('转入群众意见')").click()
    assert "已转入群众意见" in phone.text_content(".alert")
    assert fits_the_phone(phone)

    talk = Talk.objects.get(date=today, initiator=tree.cadre_in)
    assert sorted(h.code for h in talk.households.all()) == ["HH001", "HH021"]
    opinion = Opinion.objects.get(source=f"谈心谈话 {talk.code} 第1条")
    assert (opinion.content, opinion.channel) == ("希望增设路灯", "talk")
