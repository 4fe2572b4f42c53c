from celery import shared_task

from liaison.pending_imports import PENDING_MAX_AGE_SECONDS, pending_import_purge


@shared_task
def purge_pending_imports() -> int:
    """Beat, hourly: uploads never confirmed nor cancelled are deleted after an hour."""
    return pending_import_purge(PENDING_MAX_AGE_SECONDS)


@shared_task
def seal_audit_chain() -> int:
    """Beat, every 10 minutes: new history rows join the audit chain."""
    from liaison.audit import seal

    return seal()


@shared_task(acks_late=True)
def import_job_task(job_id: int) -> None:
    """A large file's preview or import (liaison.import_jobs)."""
    from liaison.import_jobs import import_job_execute

    import_job_execute(job_id)
