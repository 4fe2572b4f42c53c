"""Shared set-up of the benchmark scripts: Django on the DATABASE_URL given (PostgreSQL)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production-like: no DEBUG (Django would keep every query in memory).
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789abcdef")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench: set DATABASE_URL to a PostgreSQL database, e.g. "
                 "postgres://postgres@127.0.0.1:5432/liaison_bench")
    import warnings

    import django

    # WhiteNoise would look for collectstatic's output; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()


def cpu_reference_ms() -> float:
    """The best of five runs of a fixed pure-Python loop, in ms: the machines this workplace
    lends differ (and vary) about twofold, so that figures of different days compare only
    next to this one (2026-11-29: 81 ms)."""
    import timeit

    return min(timeit.repeat("sum(i * i for i in range(10**6))", number=1, repeat=5)) * 1000


def constraints_checked_now() -> None:
    """The foreign keys PostgreSQL checks at COMMIT (deferred), checked as rows are written
    instead: a bench's import is rolled back, and its COMMIT's checks are part of its time."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
