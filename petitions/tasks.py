from celery import shared_task

from petitions.services import petition_deadline_notices, petition_dues_refresh


@shared_task
def refresh_petition_dues() -> int:
    return petition_dues_refresh()


@shared_task
def notify_petition_deadlines() -> int:
    return petition_deadline_notices()
