"""Compliance runs: request one, execute it (in a Celery task), publish its rows atomically."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from liaison.metrics import CADRE, HOUSEHOLD, ORGANIZATION, Window, compute_compliance
from liaison.models import (
    Cadre,
    Category,
    ContactAssignment,
    Household,
    Organization,
    Position,
    active_on_q,
)
from supervision.models import ComplianceResult, ComplianceRun

CATEGORY_RANK = {code: rank for rank, code in enumerate(Category.values)}


def compliance_run_request(*, year: int, as_of: dt.date | None = None,
                           acting_user=None) -> ComplianceRun:
    """Queue a run; the task starts once this transaction commits (in-process without Redis)."""
    from supervision.tasks import compliance_run_task

    window = Window.for_year(year, as_of, today=timezone.localdate())
    run = ComplianceRun.objects.create(year=year, as_of=window.as_of, requested_by=acting_user)
    transaction.on_commit(lambda: compliance_run_task.delay(run.pk))
    return run


def compliance_run_execute(run_id: int) -> ComplianceRun:
    """Compute the run's rows outside any transaction, then publish them in one transaction
    that serializes with other runs of the same year and as-of date. A run that finds a newer
    run already published steps aside, so overlapping runs never mix or go backwards."""
    run = ComplianceRun.objects.get(pk=run_id)
    if run.status != ComplianceRun.Status.PENDING:
        return run  # a duplicate delivery of the task
    ComplianceRun.objects.filter(pk=run.pk).update(
        status=ComplianceRun.Status.RUNNING, started_at=timezone.now(), progress=1)

    def report(fraction: float) -> None:
        ComplianceRun.objects.filter(pk=run.pk).update(progress=max(1, int(fraction * 90)))

    try:
        rows = compute_compliance(year=run.year, as_of=run.as_of, progress=report)
        results = _results_for(run, rows)
        with transaction.atomic():
            peers = list(ComplianceRun.objects.select_for_update()
                         .filter(year=run.year, as_of=run.as_of).order_by("pk"))
            newer_done = [p for p in peers if p.status == ComplianceRun.Status.DONE
                          and p.requested_at > run.requested_at]
            if newer_done:
                ComplianceRun.objects.filter(pk=run.pk).update(
                    status=ComplianceRun.Status.SUPERSEDED, finished_at=timezone.now())
                return ComplianceRun.objects.get(pk=run.pk)
            older = [p.pk for p in peers if p.status == ComplianceRun.Status.DONE]
            ComplianceResult.objects.filter(run_id__in=older).delete()
            ComplianceRun.objects.filter(pk__in=older).update(
                status=ComplianceRun.Status.SUPERSEDED)
            _store_results(results)
            ComplianceRun.objects.filter(pk=run.pk).update(
                status=ComplianceRun.Status.DONE, progress=100, row_count=len(results),
                finished_at=timezone.now())
    except Exception as exc:
        ComplianceRun.objects.filter(pk=run.pk).update(
            status=ComplianceRun.Status.FAILED, error=str(exc)[:2000],
            finished_at=timezone.now())
        raise
    return ComplianceRun.objects.get(pk=run.pk)


RESULT_COLUMNS = ("run_id", "subject_type", "subject_id", "subject_code", "subject_name",
                  "scope_code", "metric", "target", "actual", "expected_to_date", "status",
                  "organization_id", "top_unit_id", "org_path", "category")


def _store_results(results: list[tuple]) -> None:
    """Insert result rows: COPY on PostgreSQL (tens of thousands per run), else bulk insert."""
    from django.db import connection

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
    orgs = {code: (pk, path) for pk, code, path in
            Organization.objects.values_list("pk", "code", "path")}
    by_pk = {pk: path for pk, path in orgs.values()}
    cadres = dict(Cadre.objects.values_list("code", "pk"))
    households = {code: (pk, community) for code, pk, community in
                  Household.objects.values_list("code", "pk", "community_id")}
    window = Window(run.year, run.as_of)
    cadre_place: dict[int, tuple] = {}
    active_ids = set(Position.objects.filter(active_on_q(window.as_of)).values_list(
        "pk", flat=True))
    for pk, cadre_id, org_id, category, end in Position.objects.filter(
            start_date__lte=window.as_of).values_list(
            "pk", "cadre_id", "organization_id", "category", "end_date"):
        # Where a cadre's rows are shown: a position held at the as-of date, else one held
        # during the window, else the latest; the highest category first. A cadre is never
        # left without a unit (their rows would be hidden from every scoped reader).
        in_window = end is None or end >= window.start
        key = (pk in active_ids, in_window, -CATEGORY_RANK[category], end or window.as_of)
        current = cadre_place.get(cadre_id)
        if current is None or key > current[2]:
            cadre_place[cadre_id] = (org_id, category if in_window else "", key)
    # A cadre with no position at all still has the community of a household in their care.
    for cadre_id, community_id in ContactAssignment.objects.filter(
            kind=ContactAssignment.Kind.HOUSEHOLD).values_list(
            "cadre_id", "target_household__community_id"):
        cadre_place.setdefault(cadre_id, (community_id, "", None))

    def top_unit(path: str) -> int | None:
        parts = path.strip("/").split("/")
        return int(parts[1]) if len(parts) > 1 else (int(parts[0]) if parts[0] else None)

    results = []
    for row in rows:
        category = ""
        if row.subject_type == CADRE:
            subject_id = cadres[row.subject_code]
            org_id, category, _ = cadre_place.get(subject_id, (None, "", None))
        elif row.subject_type == ORGANIZATION:
            subject_id, _ = orgs[row.subject_code]
            org_id = subject_id
        elif row.subject_type == HOUSEHOLD:
            subject_id, org_id = households[row.subject_code]
        path = by_pk.get(org_id, "")
        results.append((run.pk, row.subject_type, subject_id, row.subject_code,
                        row.subject_name, row.scope_code, row.metric, row.target, row.actual,
                        row.expected_to_date, row.status, org_id,
                        top_unit(path) if path else None, path, category or ""))
    return results


@transaction.atomic
def quota_table_save(*, year: int, values: dict[tuple[str, str], int], acting_user) -> int:
    """Store the year's full quota table (a year without one starts as a copy of the table
    in force); every changed value is audited. Returns how many values changed."""
    from liaison.models import Quota
    from liaison.services import record_save

    existing = {(q.metric, q.category): q for q in Quota.objects.filter(year=year)}
    changed = 0
    for (metric, category), value in values.items():
        quota = existing.get((metric, category))
        if quota is None:
            quota = Quota(year=year, metric=metric, category=category, value=value)
        elif quota.value == value:
            continue
        else:
            quota.value = value
        record_save(instance=quota, acting_user=acting_user)
        changed += 1
    return changed


def bulletin_request(*, window: Window, acting_user):
    from supervision.models import ReportFile
    from supervision.tasks import bulletin_task

    report = ReportFile.objects.create(
        kind="bulletin", requested_by=acting_user,
        params={"year": window.year, "as_of": window.as_of.isoformat()})
    transaction.on_commit(lambda: bulletin_task.delay(report.pk))
    return report


def bulletin_build(report_id: int) -> None:
    """The district bulletin (通报): the figures by unit and everyone behind, unit by unit."""
    from django.core.files.base import ContentFile

    from liaison.metrics import METRIC_LABELS, STATUS_LABELS
    from liaison.pdf import render_pdf
    from supervision import charts, selectors
    from supervision.models import ReportFile

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
        pdf = render_pdf("supervision/pdf/bulletin.html", {
            "title": f"{year}年度党员干部直接联系服务群众工作情况通报", "run": run,
            "year": year, "as_of": as_of, "metrics": metrics,
            "chart": charts.status_bars(metrics), "units": selectors.by_unit(results, None),
            "lagging_by_unit": lagging_by_unit}, user=report.requested_by)
        report.file.save(f"bulletin-{report.pk}.pdf", ContentFile(pdf), save=False)
        report.status = ReportFile.Status.DONE
    except Exception as exc:
        report.status = ReportFile.Status.FAILED
        report.error = str(exc)[:2000]
    report.finished_at = timezone.now()
    report.save()
