from celery import shared_task
from django.utils import timezone

from supervision import services


@shared_task(acks_late=True)
def compliance_run_task(run_id: int) -> int:
    return services.compliance_run_execute(run_id).pk


@shared_task
def nightly_compliance() -> int:
    """Beat: recompute the current year as of today (and last year in January)."""
    today = timezone.localdate()
    run = services.compliance_run_request(year=today.year, as_of=today)
    if today.month == 1:
        services.compliance_run_request(year=today.year - 1)
    return run.pk


@shared_task
def bulletin_task(report_id: int) -> int:
    services.bulletin_build(report_id)
    return report_id
