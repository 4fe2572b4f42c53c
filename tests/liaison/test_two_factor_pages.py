"""The two-factor pages (allauth.mfa) in the site's layout, and the first login of a role that
must use TOTP: login → set up the authenticator → recovery codes → 继续 → where it was going."""

import re
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from liaison.permissions import Role
from tests.conftest import PASSWORD, login_with_totp, make_user

ENGLISH = re.compile(r"Authenticator (App|app|code|secret)|Recovery|Two-Factor|Activate|Deactivate|Sign In|"
                     r"Generate|Confirm|Code")


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def assert_in_site_layout(response, title: str) -> str:
    """The page is the site's: its navbar and brand, a Chinese title, the allauth card."""
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert 'class="navbar-brand' in html and "联系服务群众平台" in html
    assert re.search(rf"<title>{title} · ", html), re.search(r"<title>.*</title>", html)
    assert '<div class="allauth card card-body' in html
    assert 'name="viewport"' in html
    assert not ENGLISH.search(html.split("<main")[1]), ENGLISH.search(html.split("<main")[1])
    return html


def test_the_first_login_goes_through_totp_setup_and_recovery_codes_on_home(client, tree):
    user = make_user(Role.ORG_DEPT, tree.district, with_totp=False, username="zzb")
    response = client.post(reverse("account_login"), {"login": "zzb", "password": PASSWORD})
    assert response["Location"] == "/"
    assert client.get("/")["Location"] == reverse("mfa_activate_totp")

    # Just logged in: no second password prompt before the QR code.
    response = client.get(reverse("mfa_activate_totp"))
    html = assert_in_site_layout(response, "设置双因素认证")
    assert re.search(r'<img class="totp-qr[^>]* src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"',
                     html)
    assert 'href="otpauth://totp/' in html
    secret = response.context["form"].secret
    assert secret in html  # for typing by hand

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert "is-invalid" in assert_in_site_layout(wrong, "设置双因素认证")
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    html = assert_in_site_layout(client.get(response["Location"]), "恢复码")
    codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    assert len(codes) == 10 and all(f"<li class=\"col\">{c}</li>" in html for c in codes)
    assert f'href="{reverse("mfa_setup_continue")}">继续</a>' in html

    response = client.get(reverse("mfa_setup_continue"))
    assert response["Location"] == "/"
    assert "您好" in client.get("/").content.decode()


def test_continue_leads_to_the_page_asked_for_before_the_setup(client, tree):
    make_user(Role.INSPECTOR, tree.district, with_totp=False, username="jjjc")
    client.post(reverse("account_login"), {"login": "jjjc", "password": PASSWORD})
    assert client.get("/orgs/?parent=1")["Location"] == reverse("mfa_activate_totp")
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 200
    assert client.get(reverse("mfa_setup_continue"))["Location"] == "/orgs/?parent=1"
    # The set-up is over: 继续 from a later visit of the codes goes to the start page.
    assert client.get(reverse("mfa_setup_continue"))["Location"] == "/"


def test_the_setup_asks_for_the_password_again_once_the_login_is_old(client, tree, settings):
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    make_user(Role.PETITIONS, tree.district, with_totp=False, username="xfb")
    client.post(reverse("account_login"), {"login": "xfb", "password": PASSWORD})
    client.get("/")
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert_in_site_layout(client.get(response["Location"]), "确认身份")


def test_changing_an_active_second_factor_still_asks_for_the_password(client, tree):
    user = make_user(Role.ORG_DEPT, tree.district, username="zzb")
    login_with_totp(client, user, next_url="/")
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_every_two_factor_page_is_in_the_site_layout(client, tree):
    user = make_user(Role.SYSADMIN, tree.district, username="admin")
    # Half-way through the login: the TOTP step.
    client.post(reverse("account_login"), {"login": "admin", "password": PASSWORD})
    html = assert_in_site_layout(client.get(reverse("mfa_authenticate")), "双因素认证")
    assert 'autocomplete="one-time-code"' in html and "取消，返回登录页" in html
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert "is-invalid" in assert_in_site_layout(wrong, "双因素认证")
    client.logout()

    login_with_totp(client, user, next_url="/")
    html = assert_in_site_layout(client.get(reverse("mfa_index")), "双因素认证")
    assert "已启用" in html and "尚未生成恢复码" in html

    # A security change asks for the password (or a code) first.
    response = client.get(reverse("mfa_generate_recovery_codes"))
    reauth = response["Location"]
    assert reauth.startswith(reverse("account_reauthenticate"))
    html = assert_in_site_layout(client.get(reauth), "确认身份")
    assert 'type="password"' in html
    mfa_reauth = assert_in_site_layout(client.get(reverse("mfa_reauthenticate")), "确认身份")
    assert 'name="code"' in mfa_reauth
    client.post(reauth, {"password": PASSWORD})

    assert_in_site_layout(client.get(reverse("mfa_generate_recovery_codes")), "生成新的恢复码")
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    html = assert_in_site_layout(client.get(response["Location"]), "恢复码")
    assert "可用 10 个（共 10 个）" in html
    html = assert_in_site_layout(client.get(reverse("mfa_index")), "双因素认证")
    assert "还有 10 个可用（共 10 个）" in html

    download = client.get(reverse("mfa_download_recovery_codes"))
    text = download.content.decode()
    codes = Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()
    assert "admin 的恢复码" in text and all(code in text for code in codes)

    html = assert_in_site_layout(client.get(reverse("mfa_deactivate_totp")), "停用身份验证器")
    assert "确定停用吗" in html
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=user, type="totp").exists()
