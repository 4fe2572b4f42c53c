"""A cadre on a phone logs a research trip and a visit to three households from 我的工作台 in
at most 12 taps plus typing (#14), and the figures the dashboard and the cadre report show
follow within a minute, without anyone pressing 重新计算."""

import time

import pytest
from django.utils import timezone

from contactpoints.models import Visit
from liaison.models import ContactAssignment
from research.models import ResearchTrip
from supervision.models import ComplianceResult
from tests.factories import AssignmentFactory, HouseholdFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.background_threads]
TAP_BUDGET = 12


class Taps:
    """The phone, counting every tap (a click, a tick, a choice in a list); typing is free."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, target):
        self.count += 1
        (self.page.locator(target) if isinstance(target, str) else target).click()

    def check(self, locator):
        self.count += 1
        locator.check()

    def select(self, selector: str, label: str):
        self.count += 1
        self.page.select_option(selector, label=label)


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_cadre_logs_a_trip_and_three_household_visits_in_twelve_taps(
        live_server, phone, browser, users, tree):
    for code in ("HH021", "HH022"):  # three households linked to the cadre, HH001 among them
        AssignmentFactory(kind=ContactAssignment.Kind.HOUSEHOLD, cadre=tree.cadre_in,
                          target_household=HouseholdFactory(code=code,
                                                            community=tree.community_in))
    today = timezone.localdate()
    taps = Taps(phone)

    phone.goto(live_server.url + "/accounts/login/")
    phone.fill("#id_login", "ganbu")
    phone.fill("#id_password", "Passw0rd!x")
    taps.click("button[type=submit]")
    phone.wait_for_url("**/me/")  # a cadre starts on the workbench
    assert f"{today.year}年我的完成情况" in phone.text_content("main")
    assert fits_the_phone(phone)

    # A research trip, today, in the cadre's own community.
    taps.click("a.btn:has-text('登记调研')")
    phone.wait_for_url("**/research/add/**")
    assert fits_the_phone(phone)
    taps.click(phone.locator("label", has_text="东城一社区"))
    taps.select("#id_place_type", "居民院落")
    phone.fill("#id_title", "加装电梯意见征集")
    phone.fill("#id_findings", "多数住户支持")
    taps.click("button:has-text('保存')")
    phone.wait_for_url("**/me/")
    assert "已保存" in phone.text_content(".alert")
    assert "加装电梯意见征集" in phone.text_content("main")

    # Three households on one entry.
    taps.click("a.btn:has-text('登记入户走访')")
    phone.wait_for_url("**/visits/households/add/**")
    assert fits_the_phone(phone)
    for code in ("HH001", "HH021", "HH022"):
        taps.check(phone.locator("[data-option]", has_text=code).locator("input"))
    phone.fill("#id_problems_raised", "小区停车难")
    taps.click("button:has-text('保存')")
    phone.wait_for_url("**/me/")
    assert "已登记入户走访 3 户" in phone.text_content(".alert")
    assert f"{today.year}年我的走访（3 次）" in phone.text_content("main")
    assert fits_the_phone(phone)
    assert taps.count <= TAP_BUDGET, taps.count

    trip = ResearchTrip.objects.get(title="加装电梯意见征集")
    assert (trip.cadre, trip.start_date, trip.end_date) == (tree.cadre_in, today, today)
    assert [p.code for p in trip.places.all()] == ["SQ0101"]
    visits = Visit.objects.filter(kind="household", start_date=today)
    assert sorted(v.target_household.code for v in visits) == ["HH001", "HH021", "HH022"]
    assert {v.problems_raised for v in visits} == {"小区停车难"}

    # Nobody presses 重新计算: the saved records are in the figures within a minute.
    deadline = time.monotonic() + 60
    while not ComplianceResult.objects.filter(
            run__year=today.year, run__status="done", subject_type="cadre",
            subject_id=tree.cadre_in.pk,
            metric="household_visits", actual=3).exists():
        assert time.monotonic() < deadline, "the figures were not recomputed within a minute"
        time.sleep(1)
    phone.goto(f"{live_server.url}/supervision/cadres/{tree.cadre_in.pk}/")
    figures = dict(phone.eval_on_selector_all(
        "td[data-label='完成']", "cells => cells.map(c => [c.parentElement.cells[0]"
                                 ".textContent.trim(), c.textContent.trim()])"))
    assert figures["入户次数"] == "3", figures
    # The records behind the figure, listed under it for an inspector to check.
    assert "HH021" in phone.text_content("main")
    assert "尚未计入" not in phone.text_content("main")
