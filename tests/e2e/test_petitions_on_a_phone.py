"""On a phone: the petitions office registers a case at a reception day and decides it; the
responsible person replies from the workbench and downloads the reply letter."""

import subprocess

import pytest

from petitions.models import Petition
from tests.conftest import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def phone_page(browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN",
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def test_a_case_is_registered_decided_answered_and_its_letter_downloaded(
        live_server, browser, users, tree):
    office = phone_page(browser)
    office.goto(live_server.url + "/petitions/add/")
    office.fill("#id_login", "xfb")
    office.fill("#id_password", "Passw0rd!x")
    office.click("button[type=submit]")
    office.wait_for_url("**/2fa/authenticate/**")
    office.fill("input[name=code]", totp_code(users.petitions))
    office.click("button[type=submit]")
    office.wait_for_url("**/petitions/add/")
    office.fill("#id_code", "XF-PHONE")
    office.fill("#id_received_on", "2025-03-05")
    office.select_option("#id_channel", label="接访日")
    office.select_option("#id_reception", value=str(tree.reception_in.pk))
    office.fill("#id_petitioner_name", "周某某")
    office.fill("#id_summary", "楼顶漏水，物业不修")
    office.select_option("#id_handling_unit", value=str(tree.community_in.pk))
    office.select_option("#id_responsible", value=str(tree.cadre_in.pk))
    office.click("button:has-text('保存')")
    office.wait_for_url("**/petitions/*/")
    assert "XF-PHONE" in office.text_content("h1") and fits_the_phone(office)
    office.click("a:has-text('登记受理')")
    office.select_option("#id_decision", label="受理")
    office.fill("#id_decided_on", "2025-03-07")
    office.click("button:has-text('保存')")
    assert "已登记受理" in office.text_content(".alert")
    office.context.close()

    responsible = phone_page(browser)
    responsible.goto(live_server.url + "/me/")
    responsible.fill("#id_login", "ganbu")
    responsible.fill("#id_password", "Passw0rd!x")
    responsible.click("button[type=submit]")
    responsible.wait_for_url("**/me/")
    responsible.click("a:has-text('XF-PHONE')")
    responsible.click("a:has-text('登记答复')")
    responsible.fill("#id_replied_on", "2025-04-10")
    responsible.fill("#id_reply_text", "经查，屋面防水层老化。\n已督促物业于4月8日完成维修。")
    responsible.click("button:has-text('保存')")
    assert "已登记答复" in responsible.text_content(".alert")
    assert fits_the_phone(responsible)
    with responsible.expect_download() as download_info:
        responsible.click("a:has-text('下载办理意见书')")
    pdf = open(download_info.value.path(), "rb").read()
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()
    assert "信访事项办理意见书" in text and "周某某" in text and "完成维修" in text
    case = Petition.objects.get(code="XF-PHONE")
    assert (case.reception, case.decision, str(case.replied_on)) == (
        tree.reception_in, "accepted", "2025-04-10")
    responsible.context.close()
