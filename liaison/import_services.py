"""Starting a large file's preview or import in the background (#16; the work itself is in
liaison.import_jobs, run by liaison.tasks.import_job_task)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from liaison.background import run_in_background
from liaison.import_jobs import import_job_active
from liaison.models import ImportJob
from liaison.tasks import import_job_task


@transaction.atomic
def import_job_start(*, kind: str, filename: str, file_token: str, dry_run: bool,
                     acting_user) -> tuple[ImportJob, bool]:
    """(the job, whether it is new): a user's job of this kind already pending or running is
    returned instead of a second one. Two clicks at once queue on the user's row."""
    get_user_model().objects.select_for_update().filter(pk=acting_user.pk).first()
    running = import_job_active(user=acting_user, kind=kind)
    if running is not None:
        return running, False
    job = ImportJob.objects.create(kind=kind, filename=filename, file_token=file_token,
                                   dry_run=dry_run, requested_by=acting_user)
    transaction.on_commit(lambda: run_in_background(import_job_task, job.pk))
    return job, True
