"""Benchmark figures at scale N, one line each (median of several runs).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/liaison_bench python bench/run.py --scale 1

Run bench/generate.py with the same --scale first. Nothing here asserts a time: the figures are
printed, and bench/RESULTS.md records them with the targets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import time
import tracemalloc

from common import constraints_checked_now, cpu_reference_ms, setup_django

YEAR_END = dt.date(2025, 12, 31)


def median_time(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# The targets of bench/RESULTS.md and issue #16, by figure and scale: (upper bound, unit). A scale
# without its own target is held to the nearest smaller scale's (the smallest one's below it);
# None: no target from that scale on (at N=100 the issue sets the split run's, not the single).
TARGETS: dict[str, dict[int, float | None]] = {
    "recompute_seconds_median": {1: 10, 10: 5, 100: None},
    "recompute_to_floor_ratio": {1: 2, 100: None},
    "recompute_split_seconds_median": {10: 5, 100: 60},
    "recompute_split_worker_max_rss_mb": {100: 500},
    "dashboard_district_ms_median": {1: 150, 100: 300},
    "dashboard_unit_ms_median": {1: 300},
    "petitions_overdue_page1_ms_median": {1: 300},
    "petitions_overdue_page50_ms_median": {1: 300},
    "petitions_command_as_of_seconds_median": {1: 10},
    "bulletin_pdf_500_cadres_seconds_median": {1: 60, 100: 30},
    "official_bulletin_district_seconds": {1: 60, 100: None},
    "import_100k_visits_seconds_median": {1: 30},
}
SCALE = 1  # set by main()


def target_of(name: str, scale: int) -> float | None:
    by_scale = TARGETS.get(name)
    if not by_scale:
        return None
    below = [s for s in by_scale if s <= scale]
    return by_scale[max(below) if below else min(by_scale)]  # None: no target


def line(name: str, value, unit: str = "") -> None:
    """One figure, and where it has a target, the target and ✔ or ✘."""
    text = f"{name}: {value}{(' ' + unit) if unit else ''}"
    target = target_of(name, SCALE)
    if target is not None:
        number = float(str(value).replace(",", ""))
        text += f"  [target ≤ {target:g}{(' ' + unit.split()[0]) if unit else ''} " \
                f"{'✔' if number <= target else '✘'}]"
    print(text, flush=True)


# --- recomputation and its floor ---------------------------------------------------------------


def recompute_once():
    from supervision import jobs
    from supervision.models import ComplianceRun

    run = ComplianceRun.objects.create(year=2025, as_of=YEAR_END)
    return jobs.compliance_run_execute(run.pk)


def _part_worker_init() -> None:
    setup_django()


def _part_worker(task: tuple[int, int]) -> int:
    """One part of a split run, in a worker process; the process's peak resident memory in
    KiB. VmHWM, not ru_maxrss: Linux carries the spawning parent's peak over into a child's
    ru_maxrss."""
    from pathlib import Path

    from supervision import jobs

    run_id, number = task
    jobs.compliance_part_execute(run_id, number)
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])


def recompute_split_figures(repeat: int, workers: int = 2) -> None:
    """A run split into COMPLIANCE_PARTS parts (#16), run by `workers` processes, as two Celery
    workers would: planned here, each part computed and stored by a worker, the last one
    publishing. The workers are fresh processes (spawned, not forked), so that their peak
    memory is their own."""
    import multiprocessing

    from django.conf import settings

    from supervision import jobs
    from supervision.models import ComplianceRun

    rss_kib, rows = [], []
    with multiprocessing.get_context("spawn").Pool(workers, _part_worker_init) as pool:
        def once():
            run = ComplianceRun.objects.create(year=2025, as_of=YEAR_END)
            numbers = jobs.compliance_run_start(run.pk, max_parts=settings.COMPLIANCE_PARTS)
            tasks = [(run.pk, n) for n in sorted(numbers, key=lambda n: n == 0)]  # 0 is small
            rss_kib.extend(pool.map(_part_worker, tasks, chunksize=1))
            run.refresh_from_db()
            assert run.status == "done", run.error
            rows.append(run.row_count)

        elapsed = median_time(once, repeat)
        computed = []

        def incremental_once():
            """After a write of one household visit: the parts it touched, the rest copied."""
            from contactpoints.models import Visit
            from liaison.compliance.parts import touched_units
            from supervision.selectors import published_run

            visit = Visit.objects.filter(kind="household").order_by("pk").first()
            run = jobs.compliance_run_create(
                year=2025, as_of=YEAR_END, base_run=published_run(2025, YEAR_END),
                touched_units=touched_units(visit))
            numbers = jobs.compliance_run_start(run.pk, max_parts=settings.COMPLIANCE_PARTS)
            pool.map(_part_worker, [(run.pk, n) for n in numbers], chunksize=1)
            run.refresh_from_db()
            assert run.status == "done" and run.row_count == rows[-1], run.error
            computed.append((run.parts.filter(copied=False).count(), len(numbers)))

        incremental = median_time(incremental_once, repeat)
    line("recompute_split_seconds_median", round(elapsed, 2),
         f"s ({settings.COMPLIANCE_PARTS} parts, {workers} worker processes, {rows[-1]:,} rows)")
    line("recompute_split_worker_max_rss_mb", round(max(rss_kib) / 1024, 1), "MiB")
    line("recompute_incremental_seconds_median", round(incremental, 2),
         f"s (one visit written: {computed[-1][0]} of {computed[-1][1]} parts computed, "
         "the others copied)")


FLOOR_SQL = {
    # One hand-written statement per metric computing the same actual figures.
    "research_days": """
        SELECT t.cadre_id, COUNT(DISTINCT d) FROM research_researchtrip t
        CROSS JOIN LATERAL generate_series(GREATEST(t.start_date, %(s)s::date),
            LEAST(t.end_date, %(a)s::date), interval '1 day') d
        WHERE t.start_date <= %(a)s AND t.end_date >= %(s)s GROUP BY t.cadre_id""",
    "research_reports": """
        SELECT cadre_id, COUNT(*) FROM research_researchreport
        WHERE submitted_on BETWEEN %(s)s AND %(a)s AND status <> 'returned' GROUP BY cadre_id""",
    "contact_point_visits": """
        SELECT cadre_id, COUNT(*) FROM contactpoints_visit
        WHERE kind = 'leader_point' AND start_date BETWEEN %(s)s AND %(a)s GROUP BY cadre_id""",
    "household_visits": """
        SELECT cadre_id, COUNT(*) FROM contactpoints_visit
        WHERE kind = 'household' AND start_date BETWEEN %(s)s AND %(a)s GROUP BY cadre_id""",
    "household_visit_days": """
        SELECT v.cadre_id, COUNT(DISTINCT d) FROM contactpoints_visit v
        CROSS JOIN LATERAL generate_series(GREATEST(v.start_date, %(s)s::date),
            LEAST(v.end_date, %(a)s::date), interval '1 day') d
        WHERE v.kind = 'household' AND v.start_date <= %(a)s AND v.end_date >= %(s)s
        GROUP BY v.cadre_id""",
    "unit_community_visits": """
        SELECT unit_id, target_org_id, COUNT(*) FROM contactpoints_visit
        WHERE kind = 'unit_community' AND start_date BETWEEN %(s)s AND %(a)s
        GROUP BY unit_id, target_org_id""",
    "unit_community_days": """
        SELECT v.unit_id, v.target_org_id, COUNT(DISTINCT d) FROM contactpoints_visit v
        CROSS JOIN LATERAL generate_series(GREATEST(v.start_date, %(s)s::date),
            LEAST(v.end_date, %(a)s::date), interval '1 day') d
        WHERE v.kind = 'unit_community' AND v.start_date <= %(a)s AND v.end_date >= %(s)s
        GROUP BY v.unit_id, v.target_org_id""",
    "walkthrough_places": """
        SELECT DISTINCT t.cadre_id, p.organization_id FROM research_tripplace p
        JOIN research_researchtrip t ON t.id = p.trip_id
        WHERE t.start_date <= %(a)s AND t.end_date >= %(s)s
        UNION SELECT DISTINCT cadre_id, target_org_id FROM contactpoints_visit
        WHERE kind = 'leader_point' AND start_date <= %(a)s AND end_date >= %(s)s""",
    "walkthrough_households": """
        SELECT DISTINCT v.cadre_id, v.target_household_id FROM contactpoints_visit v
        JOIN liaison_position p ON p.cadre_id = v.cadre_id AND p.category = 'community_cadre'
            AND p.start_date <= %(a)s AND (p.end_date IS NULL OR p.end_date >= %(a)s)
        JOIN liaison_household h ON h.id = v.target_household_id
            AND h.community_id = p.organization_id
        WHERE v.kind = 'household' AND v.start_date <= %(a)s AND v.end_date >= %(s)s""",
    "coverage": """
        SELECT kind, COALESCE(target_org_id, target_household_id), COUNT(DISTINCT
            COALESCE(cadre_id, unit_id)) FROM liaison_contactassignment
        WHERE start_date <= %(a)s AND (end_date IS NULL OR end_date >= %(a)s)
        GROUP BY 1, 2""",
    # The newer systems (spec/compliance.md §9).
    "reception_months": """
        SELECT received_by_id, COUNT(DISTINCT date_trunc('month', date))
        FROM petitions_receptionday WHERE received_by_id IS NOT NULL
            AND date BETWEEN %(s)s AND %(a)s GROUP BY received_by_id""",
    "petition_decisions": """
        SELECT handling_unit_id, COUNT(*), SUM(CASE WHEN decided_on <= %(a)s
            AND decided_on <= decision_due THEN 1 ELSE 0 END) FROM petitions_petition
        WHERE received_on <= %(a)s AND decision_due >= %(s)s AND (decision_due < %(a)s
            OR decision_due = %(a)s AND decided_on <= %(a)s) GROUP BY handling_unit_id""",
    "petition_replies": """
        SELECT handling_unit_id, COUNT(*), SUM(CASE WHEN replied_on <= %(a)s
            AND replied_on <= due THEN 1 ELSE 0 END) FROM (
            SELECT handling_unit_id, replied_on, CASE WHEN handling_due_extended IS NOT NULL
                AND extension_granted_on <= %(a)s THEN handling_due_extended
                ELSE handling_due END AS due
            FROM petitions_petition WHERE decision = 'accepted' AND decided_on <= %(a)s
                AND received_on <= %(a)s) c
        WHERE due >= %(s)s AND (due < %(a)s OR due = %(a)s AND replied_on <= %(a)s)
        GROUP BY handling_unit_id""",
    "leader_talks": """
        SELECT cadre_id, COUNT(DISTINCT talk_id) FROM (
            SELECT id AS talk_id, initiator_id AS cadre_id FROM talks_talk
            WHERE date BETWEEN %(s)s AND %(a)s
            UNION ALL SELECT j.talk_id, j.cadre_id FROM talks_talk_cadres j
            JOIN talks_talk t ON t.id = j.talk_id WHERE t.date BETWEEN %(s)s AND %(a)s) p
        GROUP BY cadre_id""",
    "masses_talks": """
        SELECT t.initiator_id, COUNT(DISTINCT t.id) FROM talks_talk t
        JOIN talks_talk_households h ON h.talk_id = t.id
        JOIN liaison_contactassignment a ON a.kind = 'household' AND a.cadre_id = t.initiator_id
            AND a.target_household_id = h.household_id AND a.start_date <= t.date
            AND (a.end_date IS NULL OR a.end_date >= t.date)
        WHERE t.date BETWEEN %(s)s AND %(a)s GROUP BY t.initiator_id""",
    "member_talks": """
        SELECT t.initiator_id, j.cadre_id, COUNT(*) FROM talks_talk t
        JOIN talks_talk_cadres j ON j.talk_id = t.id
        JOIN liaison_position s ON s.cadre_id = t.initiator_id AND s.party_secretary
            AND s.start_date <= %(a)s AND (s.end_date IS NULL OR s.end_date >= %(a)s)
        JOIN liaison_position m ON m.cadre_id = j.cadre_id
            AND m.organization_id = s.organization_id
            AND m.start_date <= %(a)s AND (m.end_date IS NULL OR m.end_date >= %(a)s)
        WHERE t.date BETWEEN %(s)s AND %(a)s GROUP BY 1, 2""",
    "pairwise_talks": """
        WITH team AS (SELECT DISTINCT organization_id, cadre_id FROM liaison_position
            WHERE category IN ('district_principal', 'standing_committee', 'district_leader',
                'department_head', 'subdistrict_head', 'subdistrict_leader')
            AND start_date <= %(a)s AND (end_date IS NULL OR end_date >= %(a)s)),
        present AS (SELECT id AS talk_id, initiator_id AS cadre_id FROM talks_talk
            WHERE type = 'pre_meeting' AND date BETWEEN %(s)s AND %(a)s
            UNION SELECT j.talk_id, j.cadre_id FROM talks_talk_cadres j
            JOIN talks_talk t ON t.id = j.talk_id
            WHERE t.type = 'pre_meeting' AND t.date BETWEEN %(s)s AND %(a)s)
        SELECT x.organization_id, COUNT(DISTINCT (a.cadre_id, b.cadre_id)) FROM present a
        JOIN present b ON b.talk_id = a.talk_id AND a.cadre_id < b.cadre_id
        JOIN team x ON x.cadre_id = a.cadre_id
        JOIN team y ON y.cadre_id = b.cadre_id AND y.organization_id = x.organization_id
        GROUP BY x.organization_id""",
    "opinion_feedback": """
        SELECT handling_unit_id, COUNT(*), SUM(CASE WHEN feedback_on <= %(a)s
            AND feedback_on <= feedback_due THEN 1 ELSE 0 END) FROM opinions_opinion
        WHERE received_on <= %(a)s AND feedback_due >= %(s)s AND (feedback_due < %(a)s
            OR feedback_due = %(a)s AND feedback_on <= %(a)s) GROUP BY handling_unit_id""",
    "opinion_analyses": """
        SELECT unit_id, COUNT(DISTINCT date_trunc('quarter', date)) FROM opinions_opinionanalysis
        WHERE date BETWEEN %(s)s AND %(a)s GROUP BY unit_id""",
    "pledge_published": """
        SELECT cadre_id, COUNT(*) FROM pledges_pledge
        WHERE year = %(y)s AND published_on <= %(a)s GROUP BY cadre_id""",
    "community_registration": """
        SELECT cadre_id, COUNT(DISTINCT community_id) FROM pledges_registration
        WHERE start_date <= %(a)s AND (end_date IS NULL OR end_date >= %(a)s)
        GROUP BY cadre_id""",
}


FLOOR_PARAMS = {"s": dt.date(2025, 1, 1), "a": YEAR_END, "y": 2025}


def floor_once() -> float:
    from django.db import connection

    total = 0.0
    with connection.cursor() as cursor:
        for sql in FLOOR_SQL.values():
            started = time.perf_counter()
            cursor.execute(sql, FLOOR_PARAMS)
            cursor.fetchall()
            total += time.perf_counter() - started
    return total


# Floor statements whose rows are not one figure per engine key: 三走遍's places themselves,
# and the coverage counts grouped by assignment kind.
FLOOR_NOT_COMPARED = {"walkthrough_places", "walkthrough_households", "coverage"}


def floor_checked() -> tuple[int, list[str]]:
    """That the floor computes the engine's figures: each statement's figure for every key the
    engine has a row for (0 where the statement has none) equals the row's actual figure.
    How many metrics were compared, and those that differ."""
    from collections import defaultdict

    from django.db import connection

    from liaison.compliance.engine import compute_compliance
    from liaison.models import Cadre, Organization

    engine: dict[str, dict[tuple, int]] = defaultdict(dict)
    for row in compute_compliance(year=2025, as_of=YEAR_END):
        engine[row.metric][(row.subject_id, row.scope_code)] = row.actual
    codes = dict(Organization.objects.values_list("pk", "code"))
    cadre_codes = dict(Cadre.objects.values_list("pk", "code"))
    compared, differing = 0, []
    with connection.cursor() as cursor:
        for metric, sql in FLOOR_SQL.items():
            if metric in FLOOR_NOT_COMPARED:
                continue
            cursor.execute(sql, FLOOR_PARAMS)
            floor = {}
            for row in cursor.fetchall():
                if len(row) == 2:  # (subject, figure)
                    floor[(row[0], "")] = row[1]
                elif metric.startswith("unit_community"):  # (unit, community, figure)
                    floor[(row[0], codes[row[1]])] = row[2]
                elif metric == "member_talks":  # (secretary, member, figure)
                    floor[(row[0], cadre_codes[row[1]])] = row[2]
                else:  # (unit, clocks counted, on time): the engine's actual is on time
                    floor[(row[0], "")] = row[2]
            compared += 1
            if any(floor.get(key, 0) != actual for key, actual in engine[metric].items()):
                differing.append(metric)
    return compared, differing


# --- dashboard ---------------------------------------------------------------------------------


def dashboard_figures(repeat: int = 20):

    from liaison.models import Organization

    client = privileged_client("bench-zzb", "组织部")
    unit = Organization.objects.filter(type="subdistrict").order_by("code").first()
    pages = {"dashboard_district": "/supervision/?year=2025&as_of=2025-12-31",
             "dashboard_unit": f"/supervision/?year=2025&as_of=2025-12-31&unit={unit.pk}"}
    for name, url in pages.items():
        page_figures(name, client, url, repeat)
        page_figures(f"{name}_cold", client, url, max(3, repeat // 4), cold=True)


def page_figures(name: str, client, url: str, repeat: int, cold: bool = False) -> None:
    """A page's median answer time over `repeat` requests, and its query count. `cold`: the
    cache emptied before each request (the dashboard's first request after a run, which
    computes and renders the figures that later requests read from the cache)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert client.get(url).status_code == 200, url
    times = []
    for _ in range(repeat):
        if cold:
            cache.clear()
        started = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - started)
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    line(f"{name}_ms_median", round(statistics.median(times) * 1000, 1), "ms")
    line(f"{name}_queries", len(queries))


# --- petitions ----------------------------------------------------------------------------------


def petitions_figures(repeat: int = 20, command_repeat: int = 3) -> None:
    """The case list filtered to overdue (first and a later page: the same query count), the
    dashboard's systems pages, and `petitions --as-of`."""
    import io

    from django.core.management import call_command

    from petitions.models import Petition

    line("petition_cases", f"{Petition.objects.count():,}")
    office = privileged_client("bench-xfb", "信访")
    org_dept = privileged_client("bench-zzb", "组织部")
    pages = {"petitions_overdue_page1": (office, "/petitions/?due=overdue"),
             "petitions_overdue_page50": (office, "/petitions/?due=overdue&page=50"),
             **{f"section_{name}": (org_dept,
                                    f"/supervision/systems/{name}/?year=2025&as_of=2025-12-31")
                for name in ("research", "contactpoints", "petitions", "talks", "opinions",
                             "pledges")}}
    from django.test import override_settings

    for name, (client, url) in pages.items():
        if name.startswith("petitions_"):
            page_figures(name, client, url, repeat)
            continue
        # A systems page: its kept figures, and its count (the cache emptied). The count
        # runs inline here, as the worker runs it: the page would otherwise show that it is
        # counting after 2 s (supervision.section_figures).
        with override_settings(BACKGROUND_THREADS=False):
            page_figures(name, client, url, max(3, repeat // 4))
            page_figures(f"{name}_cold", client, url, 3, cold=True)
    elapsed = median_time(lambda: call_command("petitions", as_of="2025-06-30",
                                               stdout=io.StringIO()), command_repeat)
    line("petitions_command_as_of_seconds_median", round(elapsed, 2), "s")


def privileged_client(username: str, role: str):
    """A logged-in test client of a district-wide user of `role` (TOTP set up, as the
    privileged roles require)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group
    from django.test import Client

    from liaison.models import Organization, RoleGrant, User

    user, _ = User.objects.get_or_create(username=username)
    RoleGrant.objects.get_or_create(user=user, group=Group.objects.get(name=role),
                                    organization=Organization.objects.get(code="QD"))
    if not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    return client


# --- import ------------------------------------------------------------------------------------


def import_figure(rows: int = 100_000, repeat: int = 1) -> None:
    """import_data of household visit rows in 2026, inside a transaction rolled back after
    (the foreign keys checked as rows are written, as the COMMIT would)."""
    from django.db import transaction

    from liaison.imports import import_file
    from liaison.models import Cadre, Household

    rng = random.Random(7)
    cadres = list(Cadre.objects.values_list("code", flat=True))
    homes = list(Household.objects.values_list("code", flat=True))
    seen, lines = set(), ["联系类型,联系人编码,联系对象编码,开始日期,结束日期"]
    while len(lines) <= rows:
        key = (rng.choice(cadres), rng.choice(homes),
               dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300)))
        if key in seen:
            continue
        seen.add(key)
        lines.append(f"入户走访,{key[0]},{key[1]},{key[2]:%Y-%m-%d},")
    content = ("\n".join(lines) + "\n").encode()
    outcomes = []

    def once():
        with transaction.atomic():
            constraints_checked_now()
            outcomes.append(import_file(kind="visits", filename="visits.csv", content=content))
            transaction.set_rollback(True)

    elapsed = median_time(once, repeat)
    assert outcomes[-1].ok, outcomes[-1].errors[:5]
    line("import_100k_visits_seconds_median", round(elapsed, 1),
         f"s ({outcomes[-1].new:,} rows)")


# --- PDF ---------------------------------------------------------------------------------------


def pdf_figure(cadres: int = 500, repeat: int = 1) -> None:
    from liaison.compliance.engine import STATUS_LABELS
    from liaison.compliance.registry import METRIC_LABELS
    from liaison.pdf import render_pdf
    from supervision import charts, selectors
    from supervision.models import ComplianceResult

    run = selectors.published_run(2025, YEAR_END)
    ids = list(ComplianceResult.objects.filter(run=run, subject_type="cadre")
               .values_list("subject_id", flat=True).distinct().order_by("subject_id")[:cadres])
    results = ComplianceResult.objects.filter(run=run, subject_type="cadre", subject_id__in=ids)
    built = {}

    def once():
        lagging_by_unit: dict = {}
        for row in selectors.lagging(results).select_related("top_unit"):
            lagging_by_unit.setdefault(row.top_unit.name if row.top_unit_id else "其他",
                                       []).append(
                (row, METRIC_LABELS[row.metric], STATUS_LABELS[row.status]))
        metrics = selectors.by_metric(results)
        built["pdf"] = render_pdf("supervision/pdf/bulletin.html", {
            "title": "基准测试通报", "run": run, "year": 2025, "as_of": YEAR_END,
            "metrics": metrics, "chart": charts.status_bars(metrics),
            "units": selectors.by_unit(results, None), "lagging_by_unit": lagging_by_unit},
            user=None)
        built["rows"] = sum(len(v) for v in lagging_by_unit.values())

    elapsed = median_time(once, repeat)
    line(f"bulletin_pdf_{cadres}_cadres_seconds_median", round(elapsed, 1),
         f"s ({built['rows']:,} rows, {len(built['pdf']) // 1024:,} KiB)")


def official_bulletin_figure() -> None:
    """The quarterly 红头 bulletin of the whole district (#13), as 组织部 has it built: Q4 of
    2025 as of 31 December (the run measured above); the PDF's text is checked for every
    chapter and the district totals row (pdftotext)."""
    import re
    import subprocess
    import tempfile
    import uuid

    from liaison.models import User
    from liaison.sections import sections
    from supervision import jobs, selectors, services
    from supervision.models import ReportFile

    privileged_client("bench-zzb", "组织部")
    user = User.objects.get(username="bench-zzb")
    started = time.perf_counter()
    # The request starts the build itself (a worker, or a thread of this process without a
    # broker); building it here as well would time two builds sharing the cores. The call
    # below builds only if nothing took the report yet (jobs.report_claim); then the one
    # build is waited for.
    report = services.official_bulletin_request(
        year=2025, period="Q4", doc_number=f"基准组通〔2026〕{uuid.uuid4().int % 9000 + 1}号",
        issuer="中共示范区委组织部", acting_user=user, today=dt.date(2026, 1, 10))
    jobs.official_bulletin_build(report.pk)
    while ReportFile.objects.filter(pk=report.pk, status=ReportFile.Status.PENDING).exists():
        assert time.perf_counter() - started < 1800, "the bulletin's build never finished"
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    report.refresh_from_db()
    assert report.status == "done", report.error
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(report.file.read())
        pdf.flush()
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", pdf.name, "-"],
                                                   capture_output=True, text=True).stdout)
        pages = re.search(r"Pages:\s+(\d+)", subprocess.run(
            ["pdfinfo", pdf.name], capture_output=True, text=True).stdout).group(1)
    run = selectors.published_run(2025, YEAR_END)
    totals = selectors.totals(selectors.visible_results(user, run))
    expected = ["全区合计", f"{totals['total']}", "督查检查", "每月趋势",
                *(s.title for s in sections() if s.bulletin_template)]
    missing = [item for item in expected if item not in text]
    line("official_bulletin_district_seconds", round(elapsed, 1),
         f"s ({pages} pages, {report.file.size // 1024:,} KiB, {totals['total']:,} result rows; "
         f"{'every chapter and the totals found' if not missing else f'MISSING {missing}'})")
    report.file.delete(save=False)


def flags_figure() -> None:
    """The nightly plausibility run (可信度提示, #13) over the whole district."""
    from supervision import jobs

    started = time.perf_counter()
    run = jobs.flag_run_execute(jobs.flag_run_create().pk)
    elapsed = time.perf_counter() - started
    assert run.status == "done", run.error
    line("plausibility_run_seconds", round(elapsed, 1), f"s ({run.flag_count:,} flags)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["recompute", "dashboard", "petitions", "import", "pdf",
                                 "bulletin", "flags"])
    args = parser.parse_args()
    global SCALE
    SCALE = args.scale
    setup_django()
    from contactpoints.models import Visit
    from research.models import ResearchTrip

    line("scale", args.scale)
    line("cpu_reference_ms", round(cpu_reference_ms(), 1), "ms (bench/common.py)")
    line("activity_records", f"{Visit.objects.count() + ResearchTrip.objects.count():,}")
    if "recompute" not in args.skip:
        # Each run next to a floor: the lent machines' speed drifts within minutes, and the
        # ratio compares what one moment gives both.
        pairs = [(median_time(recompute_once, 1), floor_once()) for _ in range(args.repeat)]
        recompute = statistics.median(run for run, _ in pairs)
        floor = statistics.median(floor for _, floor in pairs)
        ratio = statistics.median(run / floor for run, floor in pairs)
        tracemalloc.start()  # measured apart: tracing slows every allocation
        recompute_once()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        line("recompute_seconds_median", round(recompute, 2), "s")
        line("recompute_python_peak_mb", round(peak / 2**20, 1), "MiB")
        line("process_max_rss_mb", round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                         / 1024, 1), "MiB")
        line("floor_sql_seconds_median", round(floor, 2), "s")
        line("recompute_to_floor_ratio", round(ratio, 2))  # the median of the pairs
        compared, differing = floor_checked()
        line("floor_figures_equal_to_engine",
             f"{compared - len(differing)} of {compared} metrics"
             + (f" (differ: {', '.join(differing)})" if differing else ""))
        recompute_split_figures(args.repeat)
    if "dashboard" not in args.skip:
        dashboard_figures()
    if "petitions" not in args.skip:
        petitions_figures()
    if "pdf" not in args.skip:
        pdf_figure(repeat=args.repeat)
    if "bulletin" not in args.skip:
        official_bulletin_figure()
    if "flags" not in args.skip:
        flags_figure()
    if "import" not in args.skip:
        import_figure(repeat=args.repeat)


if __name__ == "__main__":
    main()
