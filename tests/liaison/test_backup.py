"""manage.py backup, restored into an empty database, gives the same figures (#15)."""

import io
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
KINDS = ["organizations", "cadres", "households", "assignments", "research_trips",
         "research_reports", "visits"]


def compliance_in(database_url: str) -> str:
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run([sys.executable, "manage.py", "compliance", "--year", "2025"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_gives_the_same_figures(example_dir, tmp_path):
    for kind in KINDS:
        call_command("import_data", kind, str(example_dir / f"{kind}.csv"), stdout=io.StringIO())
    (Path(settings.MEDIA_ROOT) / "reports").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "reports" / "r.pdf").write_bytes(b"%PDF-1.4 test")
    out = io.StringIO()
    call_command("backup", "--output", str(tmp_path), stdout=out)
    files = sorted(p.name for p in tmp_path.iterdir())
    database = next(tmp_path / name for name in files if name.startswith("liaison-"))
    media = next(tmp_path / name for name in files if name.startswith("media-"))
    with tarfile.open(media) as archive:
        assert "media/reports/r.pdf" in archive.getnames()

    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        restored_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        (tmp_path / "restored.sqlite3").write_bytes(database.read_bytes())
        original_url = f"sqlite:///{db['NAME']}"
    else:
        name = f"restore_{uuid.uuid4().hex[:8]}"
        auth = ["-h", db.get("HOST") or "127.0.0.1", "-U", db.get("USER") or "postgres"]
        subprocess.run(["createdb", *auth, name], check=True)
        try:
            subprocess.run(["pg_restore", *auth, "--no-owner", "-d", name, str(database)],
                           check=True, capture_output=True)
            base = f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}"
            restored = compliance_in(f"{base}:{db.get('PORT') or 5432}/{name}")
            original = compliance_in(f"{base}:{db.get('PORT') or 5432}/{db['NAME']}")
        finally:
            subprocess.run(["dropdb", *auth, "--if-exists", name], check=True)
        assert restored == original and original.count("\n") > 20
        return
    assert compliance_in(restored_url) == compliance_in(original_url)
    assert compliance_in(restored_url).count("\n") > 20
