"""../shared/examples/systems imported whole: the `compliance` command gives its expected files
byte for byte, every metric of spec/compliance.md §2–§9 together."""

import contextlib
import io

import pytest
from django.core.management import call_command

from tests.conftest import SYSTEMS


@pytest.mark.parametrize("args, expected", [
    (["--year", "2025"], "expected-2025.csv"),
    (["--year", "2025", "--as-of", "2025-06-30"], "expected-2025-as-of-2025-06-30.csv"),
])
def test_the_systems_example_gives_the_expected_files_byte_for_byte(systems, args, expected):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        call_command("compliance", *args, "--format", "csv")
    assert out.getvalue() == (SYSTEMS / expected).read_text(encoding="utf-8")
