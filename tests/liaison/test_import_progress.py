"""A background import's progress without Redis (#16): the `make run` set-up (SQLite, eager
tasks, no REDIS_URL) keeps it in a small file under VAR_DIR/import-progress/, which the
polling page reads and the job removes when it ends."""

from __future__ import annotations

from liaison import import_jobs, imports
from liaison.import_jobs import import_job_execute, import_job_progress, import_job_progress_set
from liaison.models import Household, ImportJob
from liaison.pending_imports import pending_import_store

HOUSEHOLDS = "住户编码,户主姓名,社区编码,地址,贫困户\n" + "".join(
    f"HP{n:03d},住户{n},SQ0101,东城路{n}号,否\n" for n in range(40))


def job_of(user, *, dry_run=False) -> ImportJob:
    token = pending_import_store(HOUSEHOLDS.encode())
    return ImportJob.objects.create(kind="households", filename="households.csv",
                                    file_token=token, dry_run=dry_run, requested_by=user)


def test_progress_is_a_file_under_var_dir_when_there_is_no_redis(users, settings, tmp_path):
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path
    job = ImportJob.objects.create(kind="households", filename="x.csv", file_token="abc",
                                   dry_run=True, requested_by=users.org_dept,
                                   status=ImportJob.Status.RUNNING)
    assert import_job_progress(job) == 0  # nothing told yet
    import_job_progress_set(job.pk, 10, 40)
    path = tmp_path / "import-progress" / str(job.pk)
    assert path.read_text() == "10 40"
    assert import_job_progress(job) == 25
    import_job_progress_set(job.pk, 30, 40)
    assert import_job_progress(job) == 75
    import_job_progress_set(job.pk, 40, 40)
    assert import_job_progress(job) == 99  # 100 only once the job row says it is finished
    # Written atomically: no temporary file is left beside it.
    assert [p.name for p in path.parent.iterdir()] == [str(job.pk)]


def test_a_job_tells_its_chunks_to_the_file_and_removes_it_when_done(
        users, tree, settings, tmp_path, monkeypatch):
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(imports, "CHUNK_ROWS", 10)
    job = job_of(users.org_dept)
    seen = []
    original = import_jobs.import_job_progress_set

    def told(job_id, done, total):
        original(job_id, done, total)
        # What a poll from another process reads while the job runs.
        seen.append(import_job_progress(ImportJob.objects.get(pk=job_id)))

    monkeypatch.setattr(import_jobs, "import_job_progress_set", told)
    finished = import_job_execute(job.pk)
    assert (finished.status, finished.new) == ("done", 40)
    assert seen == [25, 50, 75, 99]
    assert not (tmp_path / "import-progress" / str(job.pk)).exists()
    assert import_job_progress(finished) == 100
    assert Household.objects.filter(code__startswith="HP").count() == 40


def test_a_failed_job_removes_its_progress_file_too(users, tree, settings, tmp_path,
                                                     monkeypatch):
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    job = job_of(users.org_dept)
    import_job_progress_set(job.pk, 5, 40)

    def broken(**kwargs):
        kwargs["progress"](20, 40)
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(import_jobs, "import_file", broken)
    finished = import_job_execute(job.pk)
    assert (finished.status, finished.error) == ("failed", "磁盘已满")
    assert not (tmp_path / "import-progress" / str(job.pk)).exists()


def test_with_redis_the_progress_goes_to_the_cache_not_to_a_file(users, settings, tmp_path):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # named only: the test cache stands for it
    settings.VAR_DIR = tmp_path
    job = ImportJob.objects.create(kind="households", filename="x.csv", file_token="abc",
                                   dry_run=True, requested_by=users.org_dept,
                                   status=ImportJob.Status.RUNNING)
    import_job_progress_set(job.pk, 1, 4)
    assert import_job_progress(job) == 25
    assert not (tmp_path / "import-progress").exists()
