"""The work behind the Celery tasks: execute a compliance run and publish its rows
atomically, and build the district bulletin's PDF. Tasks call these; views never do."""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from liaison.compliance.engine import Window, compute_compliance
from liaison.compliance.parts import Part, cadre_places, part_subjects, plan_parts, top_unit
from liaison.compliance.registry import CADRE, HOUSEHOLD, ORGANIZATION
from liaison.models import Household, Organization, Position
from liaison.personal import mask_name
from supervision.models import ComplianceResult, ComplianceRun, ComplianceRunPart

LOST_JOB_ERROR = "超过时限仍未完成（任务可能因服务重启而中断），请重新发起"


def dirty_key(year: int) -> str:
    """Set while a run of the year works and records are written: one more run follows."""
    return f"figures-dirty:{year}"


def lost_before() -> dt.datetime:
    from django.conf import settings

    return timezone.now() - dt.timedelta(seconds=settings.JOB_TIME_LIMIT_SECONDS)


def fail_lost_jobs() -> int:
    """Runs and report files still pending or running after JOB_TIME_LIMIT_SECONDS were lost
    (a worker or web process restarted mid-job): mark them failed, with their unfinished
    parts, and delete the rows their finished parts stored, so that no page waits for them
    forever and a new request can start."""
    from supervision.models import ReportFile

    cutoff = lost_before()
    active = [ComplianceRun.Status.PENDING, ComplianceRun.Status.RUNNING]
    lost_runs = list(ComplianceRun.objects.filter(status__in=active, requested_at__lt=cutoff)
                     .values_list("pk", flat=True))
    for run_id in lost_runs:
        compliance_run_fail(run_id, LOST_JOB_ERROR)
    lost = len(lost_runs)
    from supervision.models import FlagRun

    lost += FlagRun.objects.filter(status__in=active, requested_at__lt=cutoff).update(
        status=FlagRun.Status.FAILED, error=LOST_JOB_ERROR, finished_at=timezone.now())
    return lost + ReportFile.objects.filter(
        status=ReportFile.Status.PENDING, requested_at__lt=cutoff).update(
        status=ReportFile.Status.FAILED, error=LOST_JOB_ERROR, finished_at=timezone.now())


def compliance_run_create(*, year: int, as_of: dt.date | None = None, acting_user=None,
                          base_run: ComplianceRun | None = None,
                          touched_units=None) -> ComplianceRun:
    """A pending run of the year as of `as_of` (spec §3 defaults); a task executes it. With a
    `base_run` of the same year and date and the `touched_units` of a write, it is an
    incremental run: only the parts holding those units are computed."""
    window = Window.for_year(year, as_of, today=timezone.localdate())
    incremental = (base_run is not None and touched_units is not None
                   and (base_run.year, base_run.as_of) == (year, window.as_of))
    return ComplianceRun.objects.create(
        year=year, as_of=window.as_of, requested_by=acting_user,
        base_run=base_run if incremental else None,
        touched_units=sorted(touched_units) if incremental else None)


def compliance_run_execute(run_id: int, *, max_parts: int = 1) -> ComplianceRun:
    """Compute and publish a run here, in this process, its parts one after the other (the
    command line, eager mode, the tests); workers run the parts in parallel instead
    (supervision.tasks). An incremental run is split as a worker splits it, so that it
    computes only the parts it touched."""
    from django.conf import settings

    if ComplianceRun.objects.filter(pk=run_id, base_run__isnull=False).exists():
        max_parts = max(max_parts, settings.COMPLIANCE_PARTS)
    for number in compliance_run_start(run_id, max_parts=max_parts):
        compliance_part_execute(run_id, number)
    return ComplianceRun.objects.get(pk=run_id)


def compliance_run_start(run_id: int, *, max_parts: int) -> list[int]:
    """Claim a pending run and plan its parts (liaison.compliance.parts); the numbers of the
    parts to execute, none when the run was not pending (a duplicate delivery of the task, or
    another process took it first). An incremental run's plan has its touched units in parts
    of their own, so that the others can be copied (compliance_part_execute)."""
    claimed = ComplianceRun.objects.filter(pk=run_id, status=ComplianceRun.Status.PENDING) \
        .update(status=ComplianceRun.Status.RUNNING, started_at=timezone.now(), progress=1)
    if not claimed:
        return []
    try:  # from the claim on: whatever fails, the run ends failed, never left running
        run = ComplianceRun.objects.get(pk=run_id)
        touched = frozenset(run.touched_units) if run.base_run_id else None
        parts = plan_parts(Window(run.year, run.as_of), max_parts, touched)
        ComplianceRunPart.objects.bulk_create([
            ComplianceRunPart(run_id=run_id, number=part.number, top_units=list(part.top_units),
                              cadres=list(part.cadres)) for part in parts])
    except Exception as exc:
        compliance_run_fail(run_id, exc)
        raise
    return [part.number for part in parts]


def compliance_parts_unclaimed(run_id: int) -> list[int]:
    """The parts of a working run that no task has taken yet."""
    return list(ComplianceRunPart.objects.filter(
        run_id=run_id, run__status=ComplianceRun.Status.RUNNING,
        status=ComplianceRun.Status.PENDING).order_by("number").values_list("number", flat=True))


def compliance_part_execute(run_id: int, number: int) -> ComplianceRun:
    """Compute one part's rows outside any transaction, then store them in one transaction
    that serializes with the other parts and runs of the same year and as-of date. The part
    that finishes last publishes the run: an older published run is superseded (its rows
    deleted); a run that finds a newer one published steps aside, so overlapping runs never
    mix or go backwards. A part that fails fails the run and deletes the rows its other parts
    stored: the published rows stay the previous run's.

    A part of an incremental run that holds none of its touched units copies its base run's
    rows instead (the rows of its top units: what computing them would give, as nothing they
    read was written since), unless the base is no longer published by then."""
    Status = ComplianceRun.Status
    claimed = ComplianceRunPart.objects.filter(run_id=run_id, number=number,
                                               status=Status.PENDING) \
        .update(status=Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return ComplianceRun.objects.get(pk=run_id)  # a duplicate delivery of the task
    run = ComplianceRun.objects.get(pk=run_id)
    try:
        if run.status != Status.RUNNING:
            raise RunEnded(f"计算已结束（{run.get_status_display()}）")  # another part failed
        plan = [Part(p.number, tuple(p.top_units), tuple(p.cadres))
                for p in ComplianceRunPart.objects.filter(run_id=run_id)]
        part = next(p for p in plan if p.number == number)
        if _may_copy(run, part, plan) and _part_copy(run, part, plan):
            return ComplianceRun.objects.get(pk=run_id)

        def report(fraction: float) -> None:  # within the part only when it is the whole run
            ComplianceRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
                progress=max(1, int(fraction * 90)))

        rows = compute_compliance(
            year=run.year, as_of=run.as_of,
            subjects=part_subjects(part, plan) if len(plan) > 1 else None,
            progress=report if len(plan) == 1 else None)
        results = _results_for(run, rows)
        with transaction.atomic():
            peers = _lock_runs(run)
            _store_results(results)
            _part_done(peers[run_id], number, len(results), peers)
    except RunEnded as exc:
        _part_end(run_id, number, Status.FAILED, str(exc))
    except Exception as exc:
        _part_end(run_id, number, Status.FAILED, exc)
        compliance_run_fail(run_id, exc)  # the part row says which part
        raise
    return ComplianceRun.objects.get(pk=run_id)


def _lock_runs(run: ComplianceRun) -> dict[int, ComplianceRun]:
    """Lock the runs of the run's year and as-of date (in a transaction); RunEnded when the
    run has ended meanwhile (another part failed, or it was lost)."""
    peers = {p.pk: p for p in ComplianceRun.objects.select_for_update()
             .filter(year=run.year, as_of=run.as_of).order_by("pk")}
    if peers[run.pk].status != ComplianceRun.Status.RUNNING:
        raise RunEnded(f"计算已结束（{peers[run.pk].get_status_display()}）")
    return peers


def _part_done(run: ComplianceRun, number: int, row_count: int,
               peers: dict[int, ComplianceRun], *, copied: bool = False) -> None:
    """The part has stored its rows: record it, and publish the run when it was the last."""
    Status = ComplianceRun.Status
    ComplianceRunPart.objects.filter(run_id=run.pk, number=number).update(
        status=Status.DONE, row_count=row_count, copied=copied, finished_at=timezone.now())
    counts = dict(ComplianceRunPart.objects.filter(run_id=run.pk).order_by()
                  .values_list("status").annotate(n=Count("pk")))
    total, done = sum(counts.values()), counts.get(Status.DONE, 0)
    if done < total:
        ComplianceRun.objects.filter(pk=run.pk).update(progress=max(1, 100 * done // total))
    else:
        _publish(run, list(peers.values()))


def _others_units(part: Part, plan: list[Part]) -> set[int]:
    return {unit for other in plan if other.number != part.number for unit in other.top_units}


def _may_copy(run: ComplianceRun, part: Part, plan: list[Part]) -> bool:
    """Whether the run's write left the part's rows as they are: it touched none of its top
    units; part 0 (the district's own rows, and the subjects under no part's units) only
    when every unit it touched is another part's."""
    if run.base_run_id is None or run.touched_units is None:
        return False
    touched = set(run.touched_units)
    if part.number == 0:
        return touched <= _others_units(part, plan)
    return not touched & set(part.top_units)


def _part_copy(run: ComplianceRun, part: Part, plan: list[Part]) -> bool:
    """Store the part's rows as copied from the run's base, under the lock of the year's runs
    (the base cannot be superseded, its rows deleted, halfway through). False, storing
    nothing, when the base is no longer published or another run was requested since it
    (one that failed: its write is in no published row; one pending or working: another
    write's, which this run's copy would leave out): the part is then computed."""
    with transaction.atomic():
        peers = _lock_runs(run)
        base = peers.get(run.base_run_id)
        if base is None or base.status != ComplianceRun.Status.DONE or any(
                p.pk != run.pk and p.requested_at > base.requested_at
                for p in peers.values()):
            return False
        table = ComplianceResult._meta.db_table
        columns = ", ".join(RESULT_COLUMNS[1:])
        if part.number == 0:  # the rows under no other part's units
            others = sorted(_others_units(part, plan))
            where = (f"(top_unit_id IS NULL OR top_unit_id NOT IN "
                     f"({', '.join(['%s'] * len(others))}))") if others else "TRUE"
            units = others
        else:
            where = f"top_unit_id IN ({', '.join(['%s'] * len(part.top_units))})"
            units = list(part.top_units)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (run_id, {columns}) SELECT %s, {columns} FROM {table} "
                f"WHERE run_id = %s AND {where}", [run.pk, base.pk, *units])
            copied = cursor.rowcount
        _part_done(peers[run.pk], part.number, copied, peers, copied=True)
    return True


class RunEnded(Exception):
    """The run of a part ended (another part failed, or it was lost) before this part
    stored its rows: the part stores nothing."""


def _publish(run: ComplianceRun, peers: list[ComplianceRun]) -> None:
    """Make the run the published one of its year and as-of date (inside the transaction
    that locked `peers`, the runs of that year and date)."""
    Status = ComplianceRun.Status
    newer_done = [p for p in peers if p.status == Status.DONE
                  and p.requested_at > run.requested_at]
    if newer_done:
        ComplianceResult.objects.filter(run_id=run.pk).delete()
        ComplianceRun.objects.filter(pk=run.pk).update(
            status=Status.SUPERSEDED, progress=100, finished_at=timezone.now())
        return
    older = [p.pk for p in peers if p.status == Status.DONE]
    ComplianceResult.objects.filter(run_id__in=older).delete()
    ComplianceRun.objects.filter(pk__in=older).update(status=Status.SUPERSEDED)
    ComplianceRun.objects.filter(pk=run.pk).update(
        status=Status.DONE, progress=100, finished_at=timezone.now(),
        row_count=ComplianceResult.objects.filter(run_id=run.pk).count())
    transaction.on_commit(_analyze_results)


def _analyze_results() -> None:
    """Fresh planner statistics on PostgreSQL: a run replaces a large share of the table, and
    the dashboards' queries were planned on stale ones right after a run."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ComplianceResult._meta.db_table}")


def _part_end(run_id: int, number: int, status: str, error) -> None:
    ComplianceRunPart.objects.filter(run_id=run_id, number=number).update(
        status=status, error=(str(error) or type(error).__name__)[:2000],
        finished_at=timezone.now())


def compliance_run_fail(run_id: int, error: Exception | str, *,
                        unstarted_only: bool = False) -> None:
    """A run that has not ended (pending or running; only pending with `unstarted_only`)
    ends failed with `error`, with its unfinished parts, and the rows its finished parts
    stored are deleted; a run that ended keeps its outcome."""
    Status = ComplianceRun.Status
    active = [Status.PENDING] if unstarted_only else [Status.PENDING, Status.RUNNING]
    message = (str(error) or type(error).__name__)[:2000]
    with transaction.atomic():  # the UPDATE locks the run: parts storing rows wait, then see it
        failed = ComplianceRun.objects.filter(pk=run_id, status__in=active).update(
            status=Status.FAILED, error=message, finished_at=timezone.now())
        if failed:
            ComplianceRunPart.objects.filter(run_id=run_id, status__in=active).update(
                status=Status.FAILED, error=message, finished_at=timezone.now())
            ComplianceResult.objects.filter(run_id=run_id).delete()


RESULT_COLUMNS = ("run_id", "subject_type", "subject_id", "subject_code", "subject_name",
                  "scope_code", "metric", "target", "actual", "expected_to_date", "status",
                  "organization_id", "top_unit_id", "org_path", "category")


def _store_results(results: list[tuple]) -> None:
    """Insert result rows: COPY on PostgreSQL (tens of thousands per run), else bulk insert."""
    if connection.vendor == "postgresql":
        table = ComplianceResult._meta.db_table
        with connection.cursor() as cursor, cursor.copy(
                f"COPY {table} ({', '.join(RESULT_COLUMNS)}) FROM STDIN") as copy:
            for row in results:
                copy.write_row(row)
        return
    ComplianceResult.objects.bulk_create(
        [ComplianceResult(**dict(zip(RESULT_COLUMNS, row, strict=True))) for row in results],
        batch_size=2000)


def _results_for(run: ComplianceRun, rows) -> list[tuple]:
    """Attach ids, organization and category to the engine's rows (roster look-ups only);
    one tuple of RESULT_COLUMNS per row."""
    by_pk = dict(Organization.objects.values_list("pk", "path"))
    # Only the rows' households and cadres: a part of an incremental run holds a few dozen
    # of a city's million households.
    households = sorted({row.subject_id for row in rows if row.subject_type == HOUSEHOLD})
    cadres = sorted({row.subject_id for row in rows if row.subject_type == CADRE})
    community_of = dict(Household.objects.filter(pk__any_of=households).values_list(
        "pk", "community_id")) if households else {}
    cadre_place = cadre_places(Window(run.year, run.as_of), cadres)

    results = []
    for row in rows:
        category, subject_id = "", row.subject_id
        if row.subject_type == CADRE:
            org_id, category = cadre_place.get(subject_id, (None, ""))
        elif row.subject_type == ORGANIZATION:
            org_id = subject_id
        name = row.subject_name
        if row.subject_type == HOUSEHOLD:
            org_id = community_of[subject_id]
            # The dashboards, lists, exports and PDFs read this table: a household's head is
            # named masked there, as everywhere (#15).
            name = mask_name(name)
        path = by_pk.get(org_id, "")
        results.append((run.pk, row.subject_type, subject_id, row.subject_code,
                        name, row.scope_code, row.metric, row.target, row.actual,
                        row.expected_to_date, row.status, org_id,
                        top_unit(path) if path else None, path, category or ""))
    return results


def report_claim(report_id: int) -> bool:
    """Take a pending report file for building, atomically: one conditional UPDATE moves it
    from progress 0 (queued) to 1, so that of two deliveries of its task (a broker's
    redelivery, or a request's thread and a direct call) exactly one builds it; the other
    finds it taken, built or failed, and leaves it alone."""
    from supervision.models import ReportFile

    return bool(ReportFile.objects.filter(
        pk=report_id, status=ReportFile.Status.PENDING, progress=0).update(progress=1))


def bulletin_build(report_id: int) -> None:
    """The district bulletin (通报): the figures by unit and everyone behind, unit by unit."""
    from django.core.files.base import ContentFile

    from liaison.compliance.engine import STATUS_LABELS
    from liaison.compliance.registry import METRIC_LABELS
    from liaison.pdf import render_pdf
    from liaison.permissions import has_role
    from liaison.sections import sections
    from supervision import charts, selectors
    from supervision.models import ReportFile

    if not report_claim(report_id):
        return  # a duplicate delivery of the task
    report = ReportFile.objects.select_related("requested_by").get(pk=report_id)
    try:
        as_of = dt.date.fromisoformat(report.params["as_of"])
        year = report.params["year"]
        run = selectors.published_run(year, as_of)
        if run is None:
            raise ValueError("该年度和截至日期尚未计算")
        results = selectors.visible_results(report.requested_by, run)
        metrics = selectors.by_metric(results)
        lagging_by_unit: dict = {}
        for row in selectors.lagging(results).select_related("top_unit"):
            unit = row.top_unit.name if row.top_unit_id else "其他"
            lagging_by_unit.setdefault(unit, []).append(
                (row, METRIC_LABELS.get(row.metric, row.metric),
                 STATUS_LABELS.get(row.status, row.status)))
        window = Window(year, as_of)
        user = report.requested_by
        chapters = [(section, section.figures(user, window, None)) for section in sections()
                    if section.bulletin_template and has_role(user, *section.roles)]
        pdf = render_pdf("supervision/pdf/bulletin.html", {
            "title": f"{year}年度党员干部直接联系服务群众工作情况通报", "run": run,
            "year": year, "as_of": as_of, "window": window, "metrics": metrics,
            "chart": charts.status_bars(metrics), "units": selectors.by_unit(results, None),
            "lagging_by_unit": lagging_by_unit, "chapters": chapters,
            "trends": selectors.trend_charts(user, window)}, user=user)
        report.file.save(f"bulletin-{report.pk}.pdf", ContentFile(pdf), save=False)
        report.status = ReportFile.Status.DONE
    except Exception as exc:
        report.status = ReportFile.Status.FAILED
        report.error = str(exc)[:2000]
    report.finished_at = timezone.now()
    report.save()


def official_bulletin_build(report_id: int) -> None:
    """组织部's quarterly (or yearly) district bulletin in the 红头 layout: the issuing body in
    red, a red rule, the document number; the district totals, the units ranked by completion
    rate, a chapter for every system and for the period's inspections, the issuing date.

    The figures are a published run's of the year as of the period's end (computed here, in
    the background, when there is none yet); progress is reported as it goes."""
    from django.core.files.base import ContentFile

    from liaison.pdf import render_pdf
    from liaison.permissions import has_role
    from liaison.sections import sections
    from supervision import charts, selectors
    from supervision.models import ReportFile

    if not report_claim(report_id):
        return  # a duplicate delivery of the task, or another process building it
    report = ReportFile.objects.select_related("requested_by").get(pk=report_id)

    def step(percent: int) -> None:
        ReportFile.objects.filter(pk=report.pk).update(progress=percent)

    try:
        params = report.params
        year, as_of = params["year"], dt.date.fromisoformat(params["as_of"])
        start = dt.date.fromisoformat(params["period_start"])
        step(5)
        run = selectors.published_run(year, as_of)
        if run is None:
            run = compliance_run_execute(compliance_run_create(
                year=year, as_of=as_of, acting_user=report.requested_by).pk)
            if run.status != ComplianceRun.Status.DONE:
                raise ValueError(f"指标计算未完成：{run.error or run.get_status_display()}")
        step(60)
        user = report.requested_by
        results = selectors.visible_results(user, run)
        metrics = selectors.by_metric(results)
        ranking = selectors.ranked(selectors.by_unit(results, None))
        window = Window(year, as_of)
        chapters = [(section, section.figures(user, window, None)) for section in sections()
                    if section.bulletin_template and has_role(user, *section.roles)]
        step(75)
        issued_on = timezone.localdate()
        pdf = render_pdf("supervision/pdf/official_bulletin.html", {
            "title": f"关于{params['period_label']}党员干部直接联系服务群众工作情况的通报",
            "report": report, "run": run, "year": year, "as_of": as_of, "start": start,
            "period_label": params["period_label"], "window": window,
            "totals": selectors.totals(results), "metrics": metrics,
            "chart": charts.status_bars(metrics), "ranking": ranking, "chapters": chapters,
            "inspections": selectors.inspection_figures(user, start, as_of),
            "trends": selectors.trend_charts(user, window), "issued_on": issued_on}, user=user)
        step(95)
        report.file.save(f"bulletin-{report.pk}.pdf", ContentFile(pdf), save=False)
        report.status, report.progress = ReportFile.Status.DONE, 100
    except Exception as exc:
        report.status = ReportFile.Status.FAILED
        report.error = str(exc)[:2000]
    report.finished_at = timezone.now()
    report.save()


# --- plausibility flags (可信度提示) -----------------------------------------------------------


def flag_run_create(*, acting_user=None):
    from supervision.models import FlagRun

    return FlagRun.objects.create(requested_by=acting_user)


def flag_run_execute(run_id: int):
    """Run every plausibility rule (liaison.plausibility) outside any transaction, then
    replace all stored flags with this run's in one transaction: readers see the previous
    run's flags or this one's, never a mix."""
    from django.contrib.contenttypes.models import ContentType

    from liaison.plausibility import Scan, run_rules
    from supervision.models import FlagRun, PlausibilityFlag

    claimed = FlagRun.objects.filter(pk=run_id, status=FlagRun.Status.PENDING).update(
        status=FlagRun.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return FlagRun.objects.get(pk=run_id)  # a duplicate delivery, or another process
    try:
        found = run_rules(Scan.today())
        places = _cadre_places({f.cadre_id for _, f in found if f.cadre_id})
        orgs = dict(Organization.objects.values_list("path", "pk"))
        types = ContentType.objects.get_for_models(*{f.model for _, f in found})
        flags = []
        for rule, f in found:
            path = f.unit_path or places.get(f.cadre_id, "")
            flags.append(PlausibilityFlag(
                run_id=run_id, rule=rule, content_type=types[f.model], object_id=f.object_id,
                cadre_id=f.cadre_id, org_path=path, organization_id=orgs.get(path),
                date=f.date, detail=f.detail[:300]))
        with transaction.atomic():
            # Serialize with other runs publishing; a run that finds a newer one published
            # steps aside, so the flags never go back to older data.
            peers = list(FlagRun.objects.select_for_update().filter(
                status__in=[FlagRun.Status.RUNNING, FlagRun.Status.DONE]).order_by("pk"))
            if any(p.status == FlagRun.Status.DONE and p.pk > run_id for p in peers):
                FlagRun.objects.filter(pk=run_id).update(
                    status=FlagRun.Status.SUPERSEDED, finished_at=timezone.now())
                return FlagRun.objects.get(pk=run_id)
            PlausibilityFlag.objects.all().delete()
            PlausibilityFlag.objects.bulk_create(flags, batch_size=2000)
            FlagRun.objects.filter(pk=run_id).update(
                status=FlagRun.Status.DONE, flag_count=len(flags), finished_at=timezone.now())
    except Exception as exc:
        FlagRun.objects.filter(pk=run_id).update(
            status=FlagRun.Status.FAILED, error=(str(exc) or type(exc).__name__)[:2000],
            finished_at=timezone.now())
        raise
    return FlagRun.objects.get(pk=run_id)


def _cadre_places(cadre_ids: set[int]) -> dict[int, str]:
    """{cadre id: path of the unit of their latest position}, the position held today first."""
    today = timezone.localdate()
    places: dict[int, tuple] = {}
    for cadre_id, path, start, end in Position.objects.filter(cadre_id__in=cadre_ids) \
            .values_list("cadre_id", "organization__path", "start_date", "end_date"):
        key = (end is None or end >= today, start)
        if cadre_id not in places or key > places[cadre_id][0]:
            places[cadre_id] = (key, path)
    return {cadre_id: path for cadre_id, (_, path) in places.items()}
