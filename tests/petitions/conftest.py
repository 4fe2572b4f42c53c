import io
from pathlib import Path

import pytest
from django.core.management import call_command

SYSTEMS = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "systems"


@pytest.fixture
def roster(db):
    """The example district's organizations and cadres (no cases yet)."""
    for kind in ("organizations", "cadres"):
        call_command("import_data", kind, str(SYSTEMS / f"{kind}.csv"), stdout=io.StringIO())
