"""Starting from an empty database the way `make run` does (demo data, then the figures),
each demo login signs in through the login form (setting up TOTP where its role must) and
opens every page of its menu at 375, 1280 and 1600 px: the page answers 200, nothing is wider
than the screen, the user menu is in reach, and axe-core (vendored from its npm package) finds
no serious or critical accessibility violation (GB/T 37668, WCAG 2.1 AA).

The browser runs with the page's Content-Security-Policy (a violation fails the test); axe is
handed to the page through the browser's debugging protocol, which the policy does not govern.
"""

import io
import time
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.core.management import call_command

from liaison.management.commands.seed_demo import DEMO_LOGINS, PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WIDTHS = (375, 1280, 1600)
SERIOUS = """() => axe.run(document, {resultTypes: ['violations']}).then(result =>
    result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .flatMap(v => v.nodes.map(n => v.id + ': ' + n.html.slice(0, 120))))"""


def sign_in(page, base_url: str, username: str) -> None:
    """The demo login's first sign-in, through the pages a new user meets."""
    page.goto(base_url + "/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/2fa/totp/activate/" in page.url:  # a role that must use TOTP: its first login
        secret = page.input_value("#authenticator_secret")
        page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
        page.click("button:has-text('启用')")
        page.wait_for_url("**/2fa/recovery-codes/")
        page.click("a:has-text('继续')")
    page.wait_for_url(lambda url: "/accounts/" not in url and "/2fa/" not in url)


def menu_problems(page, base_url: str) -> list[str]:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + "/")
    menu = sorted(set(page.eval_on_selector_all(
        "nav a[href^='/']", "links => links.map(a => a.getAttribute('href'))")))
    if len(menu) < 5:
        return [f"a menu of {len(menu)} pages: {menu}"]
    problems = []
    for href in menu:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(base_url + href)
            if response.status != 200:
                problems.append(f"{href} @{width}: HTTP {response.status}")
                continue
            overflow = page.evaluate("document.documentElement.scrollWidth") - width
            if overflow > 0:
                problems.append(f"{href} @{width}: {overflow} px wider than the screen")
            if width >= 1200:  # the menu is laid out in full: the user menu must be in reach
                box = page.locator("#mainnav > .navbar-nav").last.bounding_box()
                if box is None or box["x"] + box["width"] > width:
                    problems.append(f"{href} @{width}: the user menu is off-screen")
            elif not page.locator(".navbar-toggler").is_visible():
                problems.append(f"{href} @{width}: no menu button")
            if width != 1600:  # the rules do not depend on the wide layout; spare the time
                page.evaluate(AXE + "\n;0")
                problems += [f"{href} @{width}: {v}" for v in page.evaluate(SERIOUS)]
    return problems


def test_every_demo_login_finds_every_page_of_its_menu_fitting_and_accessible(
        live_server, browser):
    # A transactional test run before this one flushed the roles the migrations made.
    for _, role, _, _ in DEMO_LOGINS:
        Group.objects.get_or_create(name=role)
    # What `make run` does to an empty database (the Makefile's run target).
    call_command("seed_demo", "--if-empty", stdout=io.StringIO())
    call_command("compute_results", stdout=io.StringIO())
    assert len(DEMO_LOGINS) == 6
    problems = []
    for username, role, _, _ in DEMO_LOGINS:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(30000)
        refused = []
        page.on("console", lambda message, refused=refused: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        sign_in(page, live_server.url, username)
        problems += [f"{username} ({role}) {p}" for p in menu_problems(page, live_server.url)]
        problems += [f"{username} ({role}) CSP: {text}" for text in refused]
        context.close()
    assert not problems, "\n".join(problems)
