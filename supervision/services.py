"""Requests from the web: queue compliance runs and bulletins (the work itself is in
supervision/jobs.py, run by supervision/tasks.py), and keep the yearly quota table."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from liaison.compliance.engine import Window
from supervision import jobs
from supervision.models import ComplianceRun, ReportFile
from supervision.tasks import bulletin_task, compliance_run_task


def compliance_run_request(*, year: int, as_of: dt.date | None = None,
                           acting_user=None) -> ComplianceRun:
    """Queue a run; the task starts once this transaction commits (in-process without Redis)."""
    run = jobs.compliance_run_create(year=year, as_of=as_of, acting_user=acting_user)
    transaction.on_commit(lambda: compliance_run_task.delay(run.pk))
    return run


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
    report = ReportFile.objects.create(
        kind="bulletin", requested_by=acting_user,
        params={"year": window.year, "as_of": window.as_of.isoformat()})
    transaction.on_commit(lambda: bulletin_task.delay(report.pk))
    return report
