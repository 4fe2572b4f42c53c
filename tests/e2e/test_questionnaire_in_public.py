"""A unit builds a 征求意见表 in the browser; someone not logged in answers it on a phone from
its public link; the unit sees the answer counted in the results."""

import pytest

from opinions.models import Questionnaire

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_questionnaire_is_built_answered_on_a_phone_and_counted(
        live_server, browser, phone, users, tree):
    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.goto(live_server.url + "/opinions/forms/add/")
    staff.fill("#id_login", "dwgly")
    staff.fill("#id_password", "Passw0rd!x")
    staff.click("button[type=submit]")
    staff.wait_for_url("**/opinions/forms/add/")
    staff.select_option("#id_unit", label="东城一社区")
    staff.fill("#id_title", "夜间照明意见征集")
    staff.fill("#id_q-0-text", "小区夜间照明是否足够？")
    staff.fill("#id_q-0-options", "足够\n不太够\n很暗")
    staff.fill("#id_q-1-text", "哪里最需要加灯？")
    staff.select_option("#id_q-1-kind", label="多选")
    staff.fill("#id_q-1-options", "楼道\n停车场\n小区门口")
    staff.fill("#id_q-2-text", "其他建议")
    staff.select_option("#id_q-2-kind", label="文字")
    staff.uncheck("#id_q-2-required")
    staff.click("button:has-text('保存')")
    questionnaire = Questionnaire.objects.get(title="夜间照明意见征集")
    staff.wait_for_url(f"**/opinions/forms/{questionnaire.pk}/")
    assert questionnaire.questions.count() == 3

    phone.goto(live_server.url + f"/opinions/forms/public/{questionnaire.key}/")
    assert "夜间照明意见征集" in phone.text_content("h1") and fits_the_phone(phone)
    phone.click("button:has-text('提交')")  # nothing chosen: the required questions say so
    assert "请选择一项" in phone.text_content("main")
    phone.check("label:has-text('很暗')")
    phone.check("label:has-text('楼道')")
    phone.check("label:has-text('小区门口')")
    phone.fill("textarea", "我住5号楼，电话13812345678，楼道灯坏了")
    phone.click("button:has-text('提交')")
    assert "提交成功" in phone.text_content("main") and fits_the_phone(phone)

    staff.goto(live_server.url + f"/opinions/forms/{questionnaire.pk}/results/")
    text = staff.text_content("main")
    assert "共收到 1 份答卷" in text and "楼道灯坏了" in text
    assert "13812345678" not in staff.content()
    staff.context.close()
