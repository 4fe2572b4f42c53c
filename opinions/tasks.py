from celery import shared_task

from opinions.services import opinion_dues_refresh


@shared_task
def refresh_opinion_dues() -> int:
    return opinion_dues_refresh()
