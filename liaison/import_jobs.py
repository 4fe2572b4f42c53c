"""Large import files run in the background (#16): the work behind the task, the job's
progress, and which job a user has.

A file larger than settings.IMPORT_BACKGROUND_BYTES is not previewed nor imported inside the
request: liaison.import_services.import_job_start records an ImportJob and starts it once the
request's transaction commits (liaison.background: the Celery worker, or a thread of the web
process), and the import page polls the job's progress. One job per user and kind at a time:
a second click gets the job already running.

The import itself is one transaction (all or nothing), so its progress cannot be a row the
polling page reads: it goes to the cache when there is Redis (the worker and every web process
see it), else to a small file under settings.VAR_DIR/import-progress/ (the embedded set-up,
SQLite and eager tasks: every web process on the machine reads the same file), written
atomically so that a poll never reads half of it, and removed when the job ends.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from liaison.imports import import_file
from liaison.models import ImportJob
from liaison.pending_imports import pending_folder

ACTIVE = (ImportJob.Status.PENDING, ImportJob.Status.RUNNING)
LOST_JOB_ERROR = "超过时限仍未完成（任务可能因服务重启而中断），请重新上传"
PREVIEW_ERRORS_MAX = 1000  # errors kept on the job; the count says how many there were



def _progress_key(job_id: int) -> str:
    return f"import-job-progress:{job_id}"


def _progress_path(job_id: int) -> Path:
    return Path(settings.VAR_DIR) / "import-progress" / str(int(job_id))


def import_job_progress_set(job_id: int, done: int, total: int) -> None:
    if settings.REDIS_URL:
        cache.set(_progress_key(job_id), (done, total), timeout=settings.JOB_TIME_LIMIT_SECONDS)
        return
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside it, then renamed over it: a reader sees the old figures or the new.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(f"{int(done)} {int(total)}")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _progress_read(job_id: int) -> tuple[int, int]:
    if settings.REDIS_URL:
        return cache.get(_progress_key(job_id)) or (0, 0)
    try:
        done, total = _progress_path(job_id).read_text().split()
        return int(done), int(total)
    except (OSError, ValueError):  # not started yet, or already ended
        return 0, 0


def _progress_clear(job_id: int) -> None:
    if settings.REDIS_URL:
        cache.delete(_progress_key(job_id))
    else:
        _progress_path(job_id).unlink(missing_ok=True)


def import_job_progress(job: ImportJob) -> int:
    """Percent done: 100 once finished, else as far as its chunks have come."""
    if job.finished:
        return 100
    done, total = _progress_read(job.pk)
    return min(99, done * 100 // total) if total else 0


def import_jobs_fail_lost() -> int:
    """Jobs still pending or running after JOB_TIME_LIMIT_SECONDS were lost (a restart)."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.JOB_TIME_LIMIT_SECONDS)
    return ImportJob.objects.filter(status__in=ACTIVE, requested_at__lt=cutoff).update(
        status=ImportJob.Status.FAILED, error=LOST_JOB_ERROR, finished_at=timezone.now())


def import_job_active(*, user, kind: str) -> ImportJob | None:
    import_jobs_fail_lost()
    return ImportJob.objects.filter(requested_by=user, kind=kind, status__in=ACTIVE) \
        .order_by("-pk").first()


def import_job_latest(*, user, kind: str) -> ImportJob | None:
    import_jobs_fail_lost()
    return ImportJob.objects.filter(requested_by=user, kind=kind).order_by("-pk").first()


def _listed(errors: list[str]) -> list[str]:
    if len(errors) <= PREVIEW_ERRORS_MAX:
        return errors
    return errors[:PREVIEW_ERRORS_MAX] + [
        f"……另有 {len(errors) - PREVIEW_ERRORS_MAX} 个错误未列出，请先修改以上错误"]


def import_job_execute(job_id: int) -> ImportJob | None:
    """Run a pending job (the task calls this); its outcome is kept on the job row."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now())
    if not claimed:
        return None  # another worker has it, or it was lost
    job = ImportJob.objects.select_related("requested_by").get(pk=job_id)
    path = pending_folder() / job.file_token
    try:
        if not job.file_token.isalnum() or not path.is_file():
            raise FileNotFoundError("上传的文件已失效，请重新上传")
        outcome = import_file(kind=job.kind, filename=job.filename, path=path,
                              acting_user=job.requested_by, dry_run=job.dry_run,
                              progress=lambda done, total: import_job_progress_set(
                                  job_id, done, total))
    except Exception as exc:  # recorded on the job: its page says what went wrong
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now())
    else:
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.DONE, finished_at=timezone.now(),
            rows_total=outcome.total, new=outcome.new, updated=outcome.updated,
            unchanged=outcome.unchanged, errors=_listed(outcome.errors),
            preview=[list(row) for row in outcome.rows] if job.dry_run else [])
    finally:
        if not job.dry_run:
            path.unlink(missing_ok=True)  # imported (or failed): the personal data goes
        _progress_clear(job_id)
    job.refresh_from_db()
    return job
