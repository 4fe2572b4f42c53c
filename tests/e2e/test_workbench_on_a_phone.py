"""A cadre on a phone logs a research trip and a visit to three households from 我的工作台."""

import pytest
from django.utils import timezone

from contactpoints.models import Visit
from research.models import ResearchTrip
from tests.factories import HouseholdFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_cadre_logs_a_trip_and_three_household_visits_from_the_workbench(
        live_server, phone, users, tree):
    HouseholdFactory(code="HH021", community=tree.community_in)
    HouseholdFactory(code="HH022", community=tree.community_in)
    today = timezone.localdate()

    phone.goto(live_server.url + "/")
    phone.fill("#id_login", "ganbu")
    phone.fill("#id_password", "Passw0rd!x")
    phone.click("button[type=submit]")
    phone.wait_for_url(live_server.url + "/")
    phone.click(".navbar-toggler")
    phone.click("a.dropdown-toggle:has-text('我的工作')")
    phone.click("a.dropdown-item:has-text('我的工作台')")
    phone.wait_for_url("**/me/")
    assert f"{today.year}年我的完成情况" in phone.text_content("main")
    assert fits_the_phone(phone)

    # A research trip, today, in the cadre's own community.
    phone.click("a.btn:has-text('登记调研')")
    phone.wait_for_url("**/research/add/**")
    assert fits_the_phone(phone)
    phone.locator("label", has_text="东城一社区").click()
    phone.select_option("#id_place_type", label="居民院落")
    phone.fill("#id_title", "加装电梯意见征集")
    phone.fill("#id_findings", "多数住户支持")
    phone.click("button:has-text('保存')")
    phone.wait_for_url("**/me/")
    assert "已保存" in phone.text_content(".alert")
    assert "加装电梯意见征集" in phone.text_content("main")

    # Three households on one entry.
    phone.click("a.btn:has-text('登记入户走访')")
    phone.wait_for_url("**/visits/households/add/**")
    assert fits_the_phone(phone)
    for code in ("HH001", "HH021", "HH022"):
        phone.locator("[data-option]", has_text=code).locator("input").check()
    phone.fill("#id_problems_raised", "小区停车难")
    phone.click("button:has-text('保存')")
    phone.wait_for_url("**/me/")
    assert "已登记入户走访 3 户" in phone.text_content(".alert")
    assert f"{today.year}年我的走访（3 次）" in phone.text_content("main")
    assert fits_the_phone(phone)

    trip = ResearchTrip.objects.get(title="加装电梯意见征集")
    assert (trip.cadre, trip.start_date, trip.end_date) == (tree.cadre_in, today, today)
    assert [p.code for p in trip.places.all()] == ["SQ0101"]
    visits = Visit.objects.filter(kind="household", start_date=today)
    assert sorted(v.target_household.code for v in visits) == ["HH001", "HH021", "HH022"]
    assert {v.problems_raised for v in visits} == {"小区停车难"}
