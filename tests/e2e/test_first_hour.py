"""The first hour of a new district (#14): on an empty database, under the settings `make run`
uses, the administrator imports ../shared/examples/basic through the web pages (upload,
preview, confirm), and 组织部 computes the figures and generates the bulletin, watching both
jobs progress on the page, then downloads the PDF."""

import subprocess
import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from liaison.models import Organization
from liaison.permissions import Role
from research.models import ResearchTrip
from supervision.models import ReportFile
from tests.conftest import make_user
from tests.factories import UserFactory
from tests.supervision.conftest import KINDS

User = get_user_model()
# MEDIA_ROOT and the background threads exactly as `make run` has them.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.background_threads, pytest.mark.real_media_root]


def sign_in_with_totp(page, base_url: str, user) -> None:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_url("**/2fa/authenticate/**")
    page.fill("input[name=code]", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")


def test_a_new_district_imports_through_the_web_and_downloads_its_bulletin(
        live_server, browser, example_dir, tmp_path):
    assert django_settings.DEBUG is False  # the settings `make run` serves with
    assert not Organization.objects.exists()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)

    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    sign_in_with_totp(page, live_server.url, admin)
    for kind in KINDS:  # in the order the files refer to each other
        page.goto(f"{live_server.url}/imports/{kind}/")
        page.set_input_files("#id_file", str(example_dir / f"{kind}.csv"))
        page.click("button:has-text('上传并预览')")
        page.wait_for_selector("button:has-text('确认导入')")
        assert "错误" not in page.text_content("main"), page.text_content("main")
        page.click("button:has-text('确认导入')")
        page.wait_for_selector(".alert-success")
        assert "导入完成" in page.text_content(".alert-success"), kind
    assert ResearchTrip.objects.exists()
    context.clear_cookies()

    make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"), username="zzb",
              with_totp=False)
    sign_in_with_totp(page, live_server.url, User.objects.get(username="zzb"))
    page.goto(live_server.url + "/supervision/?year=2025&as_of=2025-12-31")
    page.click("button:has-text('立即计算')")
    page.wait_for_url("**/supervision/runs/**")
    page.evaluate("window.sameDocument = true")
    page.wait_for_selector("[data-job-done]", state="visible")
    assert page.evaluate("window.sameDocument === true")  # the progress updated in place
    assert int(page.text_content("[data-job-rows]")) > 0
    page.click("text=返回看板")
    assert "区委组织部" in page.text_content("main")

    page.click("text=生成区通报 PDF")
    page.wait_for_url("**/supervision/reports/**")
    page.evaluate("window.sameDocument = true")
    page.wait_for_selector("text=下载通报 PDF", state="visible")
    assert page.evaluate("window.sameDocument === true")  # it updated in place, no reload
    with page.expect_download() as download_info:
        page.click("text=下载通报 PDF")
    path = tmp_path / "bulletin.pdf"
    download_info.value.save_as(path)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "2025年度党员干部直接联系服务群众工作情况通报" in text
    assert "李红梅" in text
    context.close()
    for report in ReportFile.objects.all():  # written under var/media, as `make run` would
        report.file.delete(save=False)
