"""`manage.py compute_results` waits for its computation and says how it ended (#14): under
`make run` (no broker) it once printed 排队中 and left; a failing run must end failed, and the
command non-zero, without hanging."""

import datetime as dt
import io
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.utils import timezone

from supervision import jobs
from supervision.models import ComplianceRun

YEAR_END = dt.date(2025, 12, 31)


def command(*args, limit: float = 60):
    """Runs the command in a thread and gives up after `limit` seconds, so that a command that
    hangs fails the test instead of hanging it. Returns (output, CommandError or None)."""
    out, outcome = io.StringIO(), {}

    def target():
        try:
            call_command("compute_results", *args, stdout=out)
            outcome["error"] = None
        except CommandError as exc:
            outcome["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"compute_results still running after {limit} s"
    return out.getvalue(), outcome["error"]


@pytest.mark.background_threads
@pytest.mark.django_db(transaction=True)
def test_it_prints_the_finished_outcome_as_under_make_run(users, tree):
    output, error = command("--year", "2025", "--as-of", "2025-12-31")
    assert error is None, error
    run = ComplianceRun.objects.get(year=2025, as_of=YEAR_END)
    assert run.status == "done" and run.row_count > 0
    assert output.startswith(f"第{run.pk}次计算（2025年，截至2025-12-31）：完成，"
                             f"{run.row_count} 行，用时 ")
    assert output.rstrip().endswith(" 秒") and "排队中" not in output


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_job_raises_ends_failed_and_the_command_exits_non_zero(users, tree,
                                                                        monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("指标计算出错了")

    monkeypatch.setattr(jobs, "compute_compliance", broken)
    output, error = command("--year", "2025", "--as-of", "2025-12-31")
    assert isinstance(error, CommandError) and error.returncode == 1
    assert "失败：指标计算出错了" in str(error)
    run = ComplianceRun.objects.get(year=2025, as_of=YEAR_END)
    assert run.status == "failed" and run.error == "指标计算出错了" and run.finished_at


@pytest.mark.django_db(transaction=True)
def test_a_job_that_fails_before_it_starts_does_not_leave_the_run_pending(users, tree,
                                                                       monkeypatch):
    """The failure a previous attempt hung on: the run stayed pending for ever."""
    def broken(run_id):
        raise ConnectionError("database is locked")

    monkeypatch.setattr(jobs, "compliance_run_execute", broken)
    output, error = command("--year", "2025", "--as-of", "2025-12-31")
    assert "失败：database is locked" in str(error)
    assert ComplianceRun.objects.get(year=2025, as_of=YEAR_END).status == "failed"
    # Nothing blocks the next computation.
    monkeypatch.undo()
    output, error = command("--year", "2025", "--as-of", "2025-12-31")
    assert error is None and "完成" in output


@pytest.mark.django_db(transaction=True)
def test_it_waits_for_a_run_already_working_and_reports_it(users, tree):
    working = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    runs = ComplianceRun.objects.count()
    ComplianceRun.objects.filter(pk=working.pk).update(status="running",
                                                       started_at=timezone.now())

    def finish_later():
        time.sleep(1)
        ComplianceRun.objects.filter(pk=working.pk).update(
            status="done", row_count=7, progress=100, finished_at=timezone.now())
        connections.close_all()

    threading.Thread(target=finish_later, daemon=True).start()
    output, error = command("--year", "2025", "--as-of", "2025-12-31", "--timeout", "20")
    assert error is None, error
    assert f"第{working.pk}次计算" in output and "完成，7 行" in output
    assert ComplianceRun.objects.count() == runs  # no second run of the same figures


@pytest.mark.django_db(transaction=True)
def test_it_stops_waiting_after_the_timeout_and_says_so(users, tree):
    working = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    ComplianceRun.objects.filter(pk=working.pk).update(status="running", progress=40)
    started = time.monotonic()
    output, error = command("--year", "2025", "--as-of", "2025-12-31", "--timeout", "1",
                            limit=20)
    assert time.monotonic() - started < 10
    assert isinstance(error, CommandError) and error.returncode == 1
    assert "等待 1 秒后仍计算中（进度 40%），未等到结果" in str(error)
    working.refresh_from_db()
    assert working.status == "running"  # someone else's run: left to finish where it runs


@pytest.mark.django_db(transaction=True)
def test_when_not_even_the_failure_can_be_recorded_it_says_so_without_waiting(
        users, tree, monkeypatch):
    def broken(run_id):
        raise ConnectionError("database is locked")

    def unrecordable(run_id, error, **kwargs):
        pass  # the write of the failure did not happen either: the run is still pending

    monkeypatch.setattr(jobs, "compliance_run_execute", broken)
    monkeypatch.setattr(jobs, "compliance_run_fail", unrecordable)
    started = time.monotonic()
    output, error = command("--year", "2025", "--as-of", "2025-12-31", limit=20)
    assert time.monotonic() - started < 10
    assert isinstance(error, CommandError) and "计算失败：database is locked" in str(error)
