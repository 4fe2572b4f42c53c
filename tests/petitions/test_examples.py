"""../shared/examples/systems: the petitions command and the petitions metrics reproduce the
expected files exactly (spec/petitions.md §5 and §7; spec/compliance.md §9)."""

import contextlib
import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command

from liaison.compliance.engine import compute_compliance
from tests.conftest import SYSTEMS

KINDS = ["organizations", "cadres", "households", "assignments", "calendar", "receptions",
         "petitions"]
PETITION_METRICS = {"reception_months", "petition_decisions", "petition_replies"}


@pytest.fixture
def systems(db):
    for kind in KINDS:
        out = io.StringIO()
        call_command("import_data", kind, str(SYSTEMS / f"{kind}.csv"), stdout=out)


def command_output(*args) -> str:
    """The command writes to the process's standard output, as the spec's tools read it."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        call_command("petitions", *args)
    return out.getvalue()


@pytest.mark.parametrize("as_of", ["2025-06-30", "2025-12-31"])
def test_the_petitions_command_gives_the_expected_file(systems, as_of):
    expected = (SYSTEMS / f"petitions-as-of-{as_of}.csv").read_text()
    assert command_output("--as-of", as_of) == expected


@pytest.mark.parametrize(("as_of", "expected_file"), [
    (dt.date(2025, 6, 30), "expected-2025-as-of-2025-06-30.csv"),
    (dt.date(2025, 12, 31), "expected-2025.csv"),
])
def test_the_petitions_metrics_give_the_expected_rows(systems, as_of, expected_file):
    with open(SYSTEMS / expected_file, encoding="utf-8") as f:
        expected = [row for row in csv.DictReader(f) if row["metric"] in PETITION_METRICS]
    rows = [r for r in compute_compliance(year=2025, as_of=as_of)
            if r.metric in PETITION_METRICS]
    got = [{k: str(v) for k, v in r.as_dict().items()} for r in rows]
    assert got == expected
    assert {r["metric"] for r in expected} == PETITION_METRICS  # all three are exercised
