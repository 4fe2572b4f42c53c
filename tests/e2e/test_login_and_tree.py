"""A unit admin logs in on a phone and drills down the organization tree."""

import pytest

from liaison.permissions import Role
from tests.conftest import make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_unit_admin_logs_in_and_drills_down_the_tree(live_server, phone, tree):
    make_user(Role.UNIT_ADMIN, tree.east, username="dwgly")
    phone.goto(live_server.url + "/")
    assert "/accounts/login/" in phone.url
    phone.fill("#id_login", "dwgly")
    phone.fill("#id_password", "Passw0rd!x")
    phone.click("button[type=submit]")
    phone.wait_for_url(live_server.url + "/")
    assert "您好" in phone.text_content("main")

    phone.click(".navbar-toggler")
    phone.click("a.dropdown-toggle:has-text('组织与名册')")
    phone.click("a.dropdown-item:has-text('组织架构')")
    phone.wait_for_url("**/orgs/")
    node = phone.locator(".list-group-item", has_text="东城办事处")
    assert "住户 1" in node.text_content()
    node.locator("a", has_text="东城办事处").click()
    phone.wait_for_url("**/orgs/?parent=*")
    assert "东城一社区" in phone.text_content(".list-group")
    assert "西城" not in phone.text_content("main")
    # The page fits a phone: nothing wider than the viewport.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
