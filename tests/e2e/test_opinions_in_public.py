"""Not logged in, on a phone: someone sends an opinion through a unit's public form; staff
answer and publish it; the public feedback page shows it without any personal data."""

import pytest
from django.utils import timezone

from opinions.models import Opinion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SENT = "李阿姨：小区东门路灯坏了一个月，电话13812345678"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_opinion_from_the_public_is_answered_and_published_without_personal_data(
        live_server, browser, phone, users, tree):
    phone.goto(live_server.url + "/opinions/public/SQ0101/")
    assert "向东城一社区提意见" in phone.text_content("h1") and fits_the_phone(phone)
    phone.fill("#id_content", SENT)
    phone.fill("#id_contact", "13812345678")
    phone.click("button:has-text('提交意见')")
    assert "感谢您的意见" in phone.text_content("h1")
    opinion = Opinion.objects.get(channel="online")
    assert opinion.code in phone.text_content("main")

    staff = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    staff.goto(live_server.url + f"/opinions/{opinion.pk}/edit/")
    staff.fill("#id_login", "dwgly")
    staff.fill("#id_password", "Passw0rd!x")
    staff.click("button[type=submit]")
    staff.wait_for_url(f"**/opinions/{opinion.pk}/edit/")
    staff.select_option("#id_result", label="采纳")
    staff.fill("#id_explanation", "已更换灯泡")
    staff.fill("#id_feedback_on", timezone.localdate().isoformat())
    staff.click("button:has-text('保存')")
    staff.wait_for_url(f"**/opinions/{opinion.pk}/")
    staff.click("a:has-text('公开办理结果')")
    assert staff.input_value("#id_text") == "某阿姨：小区东门路灯坏了一个月，电话[电话已隐去]"
    staff.click("button:has-text('确认公开')")
    assert "已公开" in staff.text_content(".alert")
    staff.context.close()

    phone.goto(live_server.url + "/opinions/feedback/SQ0101/")
    text = phone.text_content("main")
    assert "小区东门路灯坏了一个月" in text and "已更换灯泡" in text and "采纳率 100%" in text
    assert "13812345678" not in phone.content() and "李阿姨" not in phone.content()
    assert fits_the_phone(phone)
