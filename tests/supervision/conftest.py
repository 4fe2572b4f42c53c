import datetime as dt
import io

import pytest
from django.core.management import call_command

from liaison.models import Organization
from liaison.permissions import Role
from supervision import services
from tests.conftest import make_user

KINDS = ["organizations", "cadres", "households", "assignments", "research_trips",
         "research_reports", "visits"]
YEAR_END = dt.date(2025, 12, 31)


@pytest.fixture
def example(db, example_dir):
    """The public example district, imported."""
    for kind in KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"), stdout=io.StringIO())
    return Organization.objects.get(code="QD")


def example_rows() -> int:
    """How many rows the compliance command gives the imported example at the year's end
    (the §2–§6 rows of expected-2025.csv plus the §9 rows of the systems now registered)."""
    from liaison.compliance.engine import compute_compliance

    return len(compute_compliance(year=2025, as_of=YEAR_END))


def run_now(capture, **kwargs):
    """Request a run and let its task run in-process, as it does without Redis."""
    with capture(execute=True):
        run = services.compliance_run_request(**kwargs)
    run.refresh_from_db()
    return run


@pytest.fixture
def published(example, django_capture_on_commit_callbacks):
    """A finished run of 2025 as of 31 December."""
    run = run_now(django_capture_on_commit_callbacks, year=2025, as_of=YEAR_END)
    assert run.status == "done", run.error
    return run


@pytest.fixture
def people(example):
    org = lambda code: Organization.objects.get(code=code)  # noqa: E731
    return type("People", (), {
        "org_dept": make_user(Role.ORG_DEPT, org("QD"), username="zzb"),
        "inspector": make_user(Role.INSPECTOR, org("QD"), username="jjjc"),
        "east_admin": make_user(Role.UNIT_ADMIN, org("BSC01"), username="east"),
        "unit_admin": make_user(Role.UNIT_ADMIN, org("BM01"), username="bm01"),
    })
