"""Import speed and memory of every import kind (issue #16), one line per kind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench python bench/imports.py \
        --rows 5000 [--kinds visits,talks] [--visits-file 1000000]

Run bench/generate.py first. For each kind, in a process of its own (so that its peak RSS is
its own): the first --rows stored rows are exported with the kind's resource (an export
re-imports unchanged), then imported twice from that file on disk: as they are ("unchanged":
every row read, resolved and checked by the rules, nothing written) and, inside a transaction
rolled back at the end, after deleting them ("new": every row written with its history rows,
and its foreign keys checked as it is written, since no COMMIT checks them). --visits-file M
also writes a file of M household visits (入户走访, in 2024, one contact pair per 300 days) and
imports it as a dry run: the whole import, rolled back, to show the peak memory of a large
file. Nothing here asserts a time: the figures are printed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import constraints_checked_now, cpu_reference_ms, setup_django

HERE = Path(__file__).resolve().parent


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def export_file(kind: str, rows: int, folder: Path) -> tuple[Path, list[int]]:
    from liaison.imports import IMPORT_KINDS
    from liaison.personal import FLAG

    resource_class = IMPORT_KINDS[kind]
    model = resource_class._meta.model
    objects = list(model.objects.order_by("pk")[:rows])
    for obj in objects:
        setattr(obj, FLAG, True)  # personal data in full, as 组织部 exports it
    dataset = resource_class().export(objects)
    path = folder / f"{kind}.csv"
    path.write_text(dataset.export("csv"), encoding="utf-8")
    return path, [obj.pk for obj in objects]


def timed_import(kind: str, path: Path, *, dry_run: bool):
    from liaison.imports import import_file

    started = time.perf_counter()
    outcome = import_file(kind=kind, filename=path.name, path=path, dry_run=dry_run,
                          reason="bench")
    return outcome, time.perf_counter() - started


# The targets of issue #16: 100,000 rows of any kind in ≤ 30 s; a 1,000,000-row visits file
# with a peak of ≤ 1 GiB.
TARGET_100K_SECONDS = 30
TARGET_FILE_PEAK_MIB = 1024


def mark(value: float, target: float) -> str:
    return "✔" if value <= target else "✘"


def report(kind: str, label: str, outcome, seconds: float, *, file: bool = False) -> None:
    rows = outcome.total or 1
    state = "ok" if outcome.ok else f"{len(outcome.errors)} errors, first: {outcome.errors[0]}"
    per_100k = 100_000 * seconds / rows
    peak = peak_rss_mib()
    target = (f"[peak target ≤ {TARGET_FILE_PEAK_MIB} MiB {mark(peak, TARGET_FILE_PEAK_MIB)}]"
              if file else f"[100,000 rows in {per_100k:.0f} s, target ≤ {TARGET_100K_SECONDS}"
                           f" s {mark(per_100k, TARGET_100K_SECONDS)}]")
    print(f"{kind:<18} {label:<9} {outcome.total:>9,} rows {seconds:8.2f} s "
          f"{rows / seconds:9,.0f} rows/s  peak RSS {peak:7.0f} MiB  {target}  {state}",
          flush=True)


def one_kind(kind: str, rows: int) -> None:
    from django.db import transaction
    from django.db.models.deletion import ProtectedError

    from liaison.imports import IMPORT_KINDS

    with tempfile.TemporaryDirectory() as folder:
        path, pks = export_file(kind, rows, Path(folder))
        outcome, seconds = timed_import(kind, path, dry_run=True)
        report(kind, "unchanged", outcome, seconds)
        try:
            with transaction.atomic():
                IMPORT_KINDS[kind]._meta.model.objects.filter(pk__in=pks).delete()
                constraints_checked_now()
                outcome, seconds = timed_import(kind, path, dry_run=False)
                report(kind, "new", outcome, seconds)
                raise _Undo
        except _Undo:
            pass
        except ProtectedError:
            print(f"{kind:<18} new       (its rows are referenced by others: not deleted)")


class _Undo(Exception):
    pass


def visits_file(rows: int) -> None:
    from liaison.models import Cadre, Household

    cadres = list(Cadre.objects.order_by("code").values_list("code", flat=True))
    households = list(Household.objects.order_by("code").values_list("code", flat=True))
    start = dt.date(2024, 1, 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "visits.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["联系类型", "联系人编码", "联系对象编码", "开始日期", "结束日期"])
            for n in range(rows):
                pair, day = divmod(n, 300)
                cadre = cadres[pair % len(cadres)]
                household = households[(pair // len(cadres) + pair) % len(households)]
                date = (start + dt.timedelta(days=day)).isoformat()
                writer.writerow(["入户走访", cadre, household, date, date])
        size = path.stat().st_size / 2**20
        print(f"visits file: {rows:,} rows, {size:.0f} MiB on disk; RSS before import "
              f"{peak_rss_mib():.0f} MiB", flush=True)
        outcome, seconds = timed_import("visits", path, dry_run=True)
        report("visits (file)", "dry run", outcome, seconds, file=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--kinds", default="")
    parser.add_argument("--one", default="")
    parser.add_argument("--visits-file", type=int, default=0)
    args = parser.parse_args()
    if args.one:
        setup_django()
        if args.one == "visits-file":
            visits_file(args.visits_file)
        else:
            one_kind(args.one, args.rows)
        return
    setup_django()
    from liaison.imports import IMPORT_KINDS

    print(f"cpu_reference_ms: {cpu_reference_ms():.1f} ms (bench/common.py)", flush=True)
    kinds = args.kinds.split(",") if args.kinds else list(IMPORT_KINDS)
    for kind in kinds:
        subprocess.run([sys.executable, str(HERE / "imports.py"), "--one", kind,
                        "--rows", str(args.rows)], check=False, env=os.environ)
    if args.visits_file:
        subprocess.run([sys.executable, str(HERE / "imports.py"), "--one", "visits-file",
                        "--visits-file", str(args.visits_file)], check=False, env=os.environ)


if __name__ == "__main__":
    main()
