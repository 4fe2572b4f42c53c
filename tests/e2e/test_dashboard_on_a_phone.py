"""组织部 reads the dashboard on a phone: compact rows with a status strip each, sections that
fold, units ranked by completion rate, nothing wider than the screen."""

import io

import pytest
from django.core.management import call_command

from liaison.models import Organization
from liaison.permissions import Role
from supervision import services
from tests.conftest import make_user
from tests.e2e.conftest import log_in_with_totp
from tests.supervision.conftest import KINDS, YEAR_END

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_dashboard_reads_on_a_phone(live_server, phone, example_dir, settings):
    settings.BACKGROUND_THREADS = False
    for kind in KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"), stdout=io.StringIO())
    services.compliance_run_request(year=2025, as_of=YEAR_END)
    user = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"), username="zzb",
                     with_totp=False)
    log_in_with_totp(phone, live_server.url, user)

    phone.goto(live_server.url + "/supervision/?year=2025&as_of=2025-12-31")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert not phone.locator("table").first.is_visible()  # the wide tables are for desktops
    ranking = phone.locator("details:has-text('各单位完成率排名') li")
    rates = [int(text.split("完成率 ")[1].split("%")[0]) for text in ranking.all_text_contents()]
    assert len(rates) >= 2 and rates == sorted(rates, reverse=True)
    assert ranking.first.text_content().strip().startswith("1.")
    strip = phone.locator(".status-strip").first
    assert strip.is_visible() and "已完成" in strip.get_attribute("aria-label")
    height = phone.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, height  # the table-as-cards page was 24,500 px
    lagging = phone.locator("details:has-text('进度落后及未完成')")
    assert not lagging.locator("table").is_visible()  # folded until tapped
    lagging.locator("summary").click()
    assert lagging.locator("table").is_visible()
