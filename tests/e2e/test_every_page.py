"""Every role opens every page of its menu at 375, 1280 and 1600 px: the page answers 200,
nothing is wider than the screen, the user menu is in reach, and axe-core (vendored from its
npm package) finds no serious or critical accessibility violation (GB/T 37668, WCAG 2.1 AA).

The browser runs with the page's Content-Security-Policy (a violation fails the test); axe is
handed to the page through the browser's debugging protocol, which the policy does not govern.
"""

from pathlib import Path

import pytest
from django.test import Client

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
ROLES = ("cadre", "unit_admin", "org_dept", "inspector", "sysadmin", "petitions")
WIDTHS = (375, 1280, 1600)
SERIOUS = """() => axe.run(document, {resultTypes: ['violations']}).then(result =>
    result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .flatMap(v => v.nodes.map(n => v.id + ': ' + n.html.slice(0, 120))))"""


def session_cookie(user, url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_menu_fits_and_is_accessible(role, live_server, browser, users,
                                                         tree):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies([session_cookie(getattr(users, role), live_server.url)])
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.goto(live_server.url + "/")
    menu = sorted(set(page.eval_on_selector_all(
        "nav a[href^='/']", "links => links.map(a => a.getAttribute('href'))")))
    assert len(menu) >= 5, menu
    problems = []
    for href in menu:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            response = page.goto(live_server.url + href)
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
    context.close()
    assert not problems, "\n".join(problems)
    assert not refused, refused
