"""组织部 opens a systems page whose figures take long to count: the page says it is counting
and reloads itself until the background job (a thread of the web process, as `make run` runs
it) has counted them (supervision.section_figures)."""

import io
import time
from unittest import mock

import pytest
from django.core.management import call_command

from liaison.models import Organization
from liaison.permissions import Role
from supervision import section_figures
from tests.conftest import make_user
from tests.e2e.conftest import log_in_with_totp
from tests.supervision.conftest import KINDS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_slow_first_count_shows_progress_then_the_figures(live_server, phone, example_dir,
                                                            settings):
    settings.BACKGROUND_THREADS = True  # as `make run` configures it
    for kind in KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"), stdout=io.StringIO())
    user = make_user(Role.ORG_DEPT, Organization.objects.get(code="QD"), username="zzb",
                     with_totp=False)
    log_in_with_totp(phone, live_server.url, user)

    # The count takes longer than the request waits for it, as at a city's scale.
    count = section_figures.compute

    def slow_count(*args):
        time.sleep(1)
        return count(*args)

    with mock.patch.object(section_figures, "FIRST_WAIT_SECONDS", 0.2), \
            mock.patch.object(section_figures, "compute", slow_count):
        phone.goto(live_server.url + "/supervision/systems/contactpoints/"
                   "?year=2025&as_of=2025-12-31")
        assert "正在统计" in phone.locator("[role=status]").first.text_content()
        # It reloads itself every 3 s until the thread has counted the figures.
        phone.wait_for_selector("text=统计于", timeout=20_000)
    assert "正在统计" not in phone.content()
    assert phone.locator("table").count() >= 1
