"""On a phone (375 px): the first login of a role that must use TOTP sets up the
authenticator, sees the recovery codes and goes on to the home page with 继续."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from liaison.permissions import Role
from tests.conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_org_dept_user_sets_up_totp_at_the_first_login(live_server, phone, tree):
    make_user(Role.ORG_DEPT, tree.district, with_totp=False, username="zzb")
    phone.goto(live_server.url + "/")
    phone.fill("#id_login", "zzb")
    phone.fill("#id_password", "Passw0rd!x")
    phone.click("button[type=submit]")

    phone.wait_for_url("**/2fa/totp/activate/")
    assert phone.title().startswith("设置双因素认证")
    assert phone.is_visible(".navbar-brand")
    qr = phone.locator("img.totp-qr")
    assert qr.is_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the SVG drew
    assert qr.bounding_box()["width"] <= 375
    assert fits_the_phone(phone)
    secret = phone.input_value("#authenticator_secret")
    phone.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    phone.click("button:has-text('启用')")

    phone.wait_for_url("**/2fa/recovery-codes/")
    assert phone.title().startswith("恢复码")
    assert phone.locator(".recovery-codes li").count() == 10
    assert fits_the_phone(phone)
    phone.click("a:has-text('继续')")

    phone.wait_for_url(live_server.url + "/")
    assert "您好" in phone.text_content("main")
    assert fits_the_phone(phone)
