from celery import shared_task

from liaison.pending_imports import PENDING_MAX_AGE_SECONDS, pending_import_purge


@shared_task
def purge_pending_imports() -> int:
    """Beat, hourly: uploads never confirmed nor cancelled are deleted after an hour."""
    return pending_import_purge(PENDING_MAX_AGE_SECONDS)
