"""An inspector signs in with TOTP and downloads the district bulletin PDF."""

import io
import subprocess
import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.management import call_command

from liaison.models import Organization
from liaison.permissions import Role
from supervision import services
from tests.conftest import make_user
from tests.supervision.conftest import KINDS, YEAR_END

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.background_threads]


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_an_inspector_downloads_the_bulletin(live_server, browser, example_dir, tmp_path,
                                            settings):
    settings.BACKGROUND_THREADS = False  # the data and figures first; the bulletin in a thread
    for kind in KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"), stdout=io.StringIO())
    services.compliance_run_request(year=2025, as_of=YEAR_END)
    settings.BACKGROUND_THREADS = True
    inspector = make_user(Role.INSPECTOR, Organization.objects.get(code="QD"),
                          username="jjjc", with_totp=False)
    secret = generate_totp_secret()
    TOTP.activate(inspector, secret)

    context = browser.new_context(accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30000)
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_login", "jjjc")
    page.fill("#id_password", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_url("**/2fa/authenticate/**")
    page.fill("input[name=code]", current_code(secret))
    page.click("button[type=submit]")
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/supervision/?year=2025&as_of=2025-12-31")
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
