import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import sync_playwright

from tests.conftest import PASSWORD, totp_code

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page at a phone's width (375 px)."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not refused, refused  # the page needed something the policy forbids


def log_in_with_totp(page, base_url: str, user) -> None:
    """The whole login in the browser, password then TOTP code, for a user of a role that must
    use MFA (an authenticator is set up first, as at the first login)."""
    TOTP.activate(user, generate_totp_secret())
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/2fa/authenticate/**")
    page.fill("input[name=code]", totp_code(user))
    page.click("button[type=submit]")
    page.wait_for_url(base_url + "/")
