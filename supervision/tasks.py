from celery import group, shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from supervision import jobs
from supervision.models import ComplianceRun


@shared_task(acks_late=True, bind=True)
def compliance_run_task(self, run_id: int) -> int:
    """Plan the run's parts and hand them to the workers, which run them in parallel (#16).
    In this process (eager mode, a thread of the web process, a direct call) the run is one
    part, computed here. Delivered again (acks_late: the worker that planned the run was lost,
    perhaps before it sent the parts), it sends the parts nobody has taken yet; a part sent
    twice runs once (compliance_part_execute claims it)."""
    if self.request.is_eager or self.request.called_directly:
        run = jobs.compliance_run_execute(run_id)
        follow_up_if_written_meanwhile(run)
        return run.pk
    numbers = jobs.compliance_run_start(run_id, max_parts=settings.COMPLIANCE_PARTS) \
        or jobs.compliance_parts_unclaimed(run_id)
    if not numbers:
        return run_id  # a duplicate delivery after every part was taken
    try:
        group(compliance_part_task.s(run_id, number) for number in numbers).apply_async()
    except Exception as exc:  # the broker went away between the two steps
        jobs.compliance_run_fail(run_id, exc)
        raise
    return run_id


@shared_task(acks_late=True)
def compliance_part_task(run_id: int, number: int) -> int:
    run = jobs.compliance_part_execute(run_id, number)
    if run.status == ComplianceRun.Status.DONE:
        follow_up_if_written_meanwhile(run)
    return run_id


def follow_up_if_written_meanwhile(run) -> None:
    """Records written while this run worked (supervision.services.fresh_figures_request)
    get one more run of the same year as of today."""
    from django.core.cache import cache

    from liaison.background import run_in_background

    if run.as_of == timezone.localdate() and cache.get(jobs.dirty_key(run.year)):
        cache.delete(jobs.dirty_key(run.year))
        again = jobs.compliance_run_create(year=run.year, as_of=run.as_of)
        transaction.on_commit(lambda: run_in_background(compliance_run_task, again.pk))


@shared_task
def nightly_compliance() -> int:
    """Beat: recompute the current year as of today (and last year in January)."""
    jobs.fail_lost_jobs()
    today = timezone.localdate()
    runs = [jobs.compliance_run_create(year=today.year, as_of=today)]
    if today.month == 1:
        runs.append(jobs.compliance_run_create(year=today.year - 1))
    for run in runs:
        transaction.on_commit(lambda pk=run.pk: compliance_run_task.delay(pk))
    return runs[0].pk


@shared_task
def bulletin_task(report_id: int) -> int:
    jobs.bulletin_build(report_id)
    return report_id


@shared_task
def official_bulletin_task(report_id: int) -> int:
    jobs.official_bulletin_build(report_id)
    return report_id


@shared_task(acks_late=True)
def flag_run_task(run_id: int) -> int:
    return jobs.flag_run_execute(run_id).pk


@shared_task
def nightly_plausibility() -> int:
    """Beat: recompute the plausibility flags (可信度提示)."""
    run = jobs.flag_run_create()
    transaction.on_commit(lambda: flag_run_task.delay(run.pk))
    return run.pk


@shared_task(acks_late=True)
def section_figures_task(name: str, user_id: int, year: int, as_of: str,
                         unit_id: int | None) -> None:
    """A systems page's figures recomputed after a write (supervision.section_figures)."""
    from supervision.section_figures import refresh

    refresh(name, user_id, year, as_of, unit_id)
