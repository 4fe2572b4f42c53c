"""Django's admin goes through allauth's login, lockout and TOTP step like the app does."""


import pytest
from allauth.account.authentication import get_authentication_records
from django.urls import reverse

from liaison.permissions import Role
from tests.conftest import PASSWORD, login_with_totp, make_user, totp_code

TOO_MANY = "登录失败次数过多"  # allauth: "Too many failed login attempts. Try again later."
MISMATCH = "您提供的用户名或密码不正确"  # allauth: username_password_mismatch


@pytest.fixture
def root(tree):
    return make_user(Role.SYSADMIN, tree.district, username="root",
                     is_staff=True, is_superuser=True)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_posting_the_right_password_to_the_admin_login_logs_nobody_in(client, root):
    response = client.post("/admin/login/?next=/admin/liaison/cadre/",
                           {"username": "root", "password": PASSWORD,
                            "next": "/admin/liaison/cadre/"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/liaison/cadre/"
    assert not is_logged_in(client)
    admin = client.get("/admin/")
    assert admin.status_code == 302
    assert admin["Location"] == "/admin/login/?next=/admin/"


def test_the_admin_login_page_is_allauths_login_page(client, root):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('account_login')}?next=/admin/"
    assert response.status_code == 200
    assert "account/login.html" in [t.name for t in response.templates]


def test_the_admin_login_keeps_no_next_that_leaves_the_site(client, db):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == f"{reverse('account_login')}?next=/admin/"


def test_thirty_wrong_passwords_lock_the_login_that_the_admin_sends_to(client, root):
    # The old way in first: /admin/login/ checks no password at all, right or wrong.
    for attempt in range(30):
        response = client.post("/admin/login/", {"username": "root", "password": f"x{attempt}"})
        assert response["Location"] == f"{reverse('account_login')}?next=/admin/"
    # Where it sends an attacker: allauth's form refuses 5 wrong passwords, then locks the
    # account ("5/5m/key" in ACCOUNT_RATE_LIMITS["login_failed"]) with a form error (200).
    url = f"{reverse('account_login')}?next=/admin/"
    pages = [client.post(url, {"login": "root", "password": f"wrong{attempt}"})
             for attempt in range(30)]
    assert {page.status_code for page in pages} == {200}
    assert all(MISMATCH in page.content.decode() for page in pages[:5])
    assert all(TOO_MANY in page.content.decode() for page in pages[5:])
    # The 31st login POST in a minute from the same address is refused whole ("30/m/ip").
    assert client.post(url, {"login": "root", "password": PASSWORD}).status_code == 429
    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_after_five_wrong_passwords_even_the_right_one_is_refused(client, root):
    url = reverse("account_login")
    for attempt in range(5):
        client.post(url, {"login": "root", "password": f"wrong{attempt}"})
    response = client.post(url, {"login": "root", "password": PASSWORD})
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert not is_logged_in(client)


def test_a_superuser_with_totp_reaches_the_admin_through_the_allauth_login(client, root):
    response = client.post(f"{reverse('account_login')}?next=/admin/",
                           {"login": "root", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(root)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/liaison/cadre/").status_code == 200


def test_the_session_records_the_totp_step_that_the_admin_checks(client, root, rf):
    login_with_totp(client, root)
    request = rf.get("/admin/")
    request.session = client.session
    methods = [record["method"] for record in get_authentication_records(request, root)]
    assert methods == ["password", "mfa"]


def test_a_superuser_session_without_mfa_cannot_open_the_admin(client, root):
    client.force_login(root)
    for url in ("/admin/", "/admin/liaison/cadre/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={url}"
        # ... and from there to allauth's TOTP step, not into the admin.
        step = client.get(response["Location"])
        assert step["Location"] == f"{reverse('mfa_reauthenticate')}?next={url}"


def test_the_totp_step_opens_the_admin_to_a_session_that_skipped_it(client, root):
    client.force_login(root)
    response = client.post(f"{reverse('mfa_reauthenticate')}?next=/admin/liaison/cadre/",
                           {"code": totp_code(root)})
    assert response["Location"] == "/admin/liaison/cadre/"
    assert client.get("/admin/liaison/cadre/").status_code == 200


def test_a_password_only_login_is_not_enough_for_staff_without_totp(client, tree):
    # Staff (not superuser: AccountSetupMiddleware sends those to TOTP set-up already) whose
    # role needs no TOTP and who has none: allauth lets the password in, the admin does not.
    make_user(Role.UNIT_ADMIN, tree.east, username="staff", is_staff=True)
    client.post(reverse("account_login"), {"login": "staff", "password": PASSWORD})
    assert is_logged_in(client)
    assert client.get(reverse("home")).status_code == 200  # the app itself opens
    response = client.get("/admin/")
    assert response["Location"] == "/admin/login/?next=/admin/"
    step = client.get(response["Location"])
    assert step["Location"] == reverse("mfa_activate_totp")


def test_users_who_are_not_staff_get_403_from_the_admin(client, users):
    login_with_totp(client, users.org_dept, next_url="/")
    assert client.get("/admin/", follow=True).status_code == 403
