"""A button marked data-once cannot send its form twice, whether the mark is on the form or
on the button."""

import pytest

from opinions.models import Opinion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_marked_button_is_disabled_once_its_form_is_sent(live_server, phone, tree):
    before = Opinion.objects.count()
    phone.goto(live_server.url + "/opinions/public/SQ0101/")
    phone.fill("#id_content", "小区东门路灯坏了一个月，请尽快修理")
    # The answer opens in another tab, so that this page stays to be looked at.
    phone.evaluate("document.querySelector('main form').target = '_blank'")
    button = phone.locator("main form button")
    assert button.get_attribute("data-once") is not None  # the mark is on the button
    with phone.context.expect_page() as answer:
        button.click()
    phone.wait_for_function("document.querySelector('main form button').disabled")
    assert button.text_content() == "处理中…"
    button.click(force=True)  # a second tap sends nothing
    answer.value.wait_for_selector("text=感谢您的意见")
    phone.wait_for_timeout(500)
    assert Opinion.objects.count() == before + 1
