"""A year's recomputation split into parts that workers run in parallel (#16): the parts give
exactly the rows of the single run, the run is published when its last part is done, and a
part failing leaves the previous run's rows published."""

import datetime as dt

import pytest
from django.test import override_settings

from liaison.compliance.engine import Row, Window, compute_compliance
from liaison.compliance.parts import part_subjects, plan_parts
from supervision import jobs, selectors
from supervision.models import ComplianceResult, ComplianceRun, ComplianceRunPart
from supervision.tasks import compliance_run_task

YEAR_END = dt.date(2025, 12, 31)
MID_YEAR = dt.date(2025, 6, 30)
STORED = [c for c in jobs.RESULT_COLUMNS if c != "run_id"]


def stored_rows(run) -> list[tuple]:
    return sorted(ComplianceResult.objects.filter(run=run).values_list(*STORED))


def single_and_split(parts: int, as_of=YEAR_END):
    single = jobs.compliance_run_execute(
        jobs.compliance_run_create(year=2025, as_of=as_of).pk)
    single_rows = stored_rows(single)
    split = jobs.compliance_run_execute(
        jobs.compliance_run_create(year=2025, as_of=as_of).pk, max_parts=parts)
    return single, single_rows, split


def assert_split_equals_single(parts: int, as_of):
    single, single_rows, split = single_and_split(parts, as_of)
    assert split.status == "done" and single_rows
    assert stored_rows(split) == single_rows
    part_rows = list(split.parts.values_list("row_count", flat=True))
    assert len(part_rows) == parts and sum(part_rows) == len(single_rows) == split.row_count
    assert sum(1 for n in part_rows if n) >= 3  # the rows really were spread over parts
    single.refresh_from_db()
    assert single.status == "superseded" and not stored_rows(single)


@pytest.mark.parametrize("as_of", [YEAR_END, MID_YEAR])
def test_split_run_stores_exactly_the_single_runs_rows_on_the_systems_example(systems, as_of):
    assert_split_equals_single(4, as_of)


@pytest.mark.parametrize("as_of", [YEAR_END, MID_YEAR])
def test_split_run_stores_exactly_the_single_runs_rows_on_a_generated_district(district,
                                                                               as_of):
    assert_split_equals_single(4, as_of)


def test_the_parts_rows_together_are_the_engines_rows_each_subject_in_one_part(district):
    window = Window(2025, MID_YEAR)
    plan = plan_parts(window, 3)
    assert [p.number for p in plan] == [0, 1, 2] and all(p.top_units for p in plan[1:])
    whole = compute_compliance(year=2025, as_of=MID_YEAR)
    pieces = [compute_compliance(year=2025, as_of=MID_YEAR, subjects=part_subjects(p, plan))
              for p in plan]
    keys = [{(r.subject_type, r.subject_id) for r in rows} for rows in pieces]
    assert all(not (a & b) for i, a in enumerate(keys) for b in keys[i + 1:])
    assert sorted((r for rows in pieces for r in rows), key=Row.sort_key) == whole


def test_a_failing_part_fails_the_run_and_leaves_the_previous_rows_published(district,
                                                                            monkeypatch):
    previous = jobs.compliance_run_execute(
        jobs.compliance_run_create(year=2025, as_of=YEAR_END).pk)
    published = stored_rows(previous)
    calls = []
    real = jobs.compute_compliance

    def third_part_breaks(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise RuntimeError("数据库连接中断")
        return real(**kwargs)

    monkeypatch.setattr(jobs, "compute_compliance", third_part_breaks)
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    with pytest.raises(RuntimeError):
        jobs.compliance_run_execute(run.pk, max_parts=4)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "数据库连接中断")
    parts = dict(run.parts.values_list("number", "status"))
    assert parts == {0: "done", 1: "done", 2: "failed", 3: "failed"}
    assert not ComplianceResult.objects.filter(run=run).exists()  # parts 0 and 1 stored some
    previous.refresh_from_db()
    assert previous.status == "done" and stored_rows(previous) == published
    assert selectors.published_run(2025, YEAR_END) == previous


def test_a_part_delivered_after_its_run_failed_stores_nothing(district):
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    numbers = jobs.compliance_run_start(run.pk, max_parts=3)
    jobs.compliance_part_execute(run.pk, numbers[0])
    assert ComplianceResult.objects.filter(run=run).exists()
    jobs.compliance_run_fail(run.pk, "第2部分失败")
    assert not ComplianceResult.objects.filter(run=run).exists()
    jobs.compliance_part_execute(run.pk, numbers[1])
    assert not ComplianceResult.objects.filter(run=run).exists()
    assert ComplianceRun.objects.get(pk=run.pk).status == "failed"


def test_the_runs_progress_is_the_share_of_finished_parts(district):
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    numbers = jobs.compliance_run_start(run.pk, max_parts=4)
    assert len(numbers) == 4
    seen = []
    for number in numbers:
        run = jobs.compliance_part_execute(run.pk, number)
        seen.append((run.status, run.progress))
    assert seen == [("running", 25), ("running", 50), ("running", 75), ("done", 100)]


def test_a_duplicate_delivery_of_a_part_or_of_the_run_is_harmless(district):
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    numbers = jobs.compliance_run_start(run.pk, max_parts=3)
    assert jobs.compliance_run_start(run.pk, max_parts=3) == []  # planned once
    jobs.compliance_part_execute(run.pk, numbers[0])
    first = ComplianceResult.objects.filter(run=run).count()
    jobs.compliance_part_execute(run.pk, numbers[0])
    assert ComplianceResult.objects.filter(run=run).count() == first
    for number in numbers[1:]:
        jobs.compliance_part_execute(run.pk, number)
    done = stored_rows(run)
    for number in numbers:
        assert jobs.compliance_part_execute(run.pk, number).status == "done"
    assert stored_rows(run) == done
    assert ComplianceRunPart.objects.filter(run=run).count() == 3


def test_a_lost_split_run_is_failed_with_its_parts_and_its_rows_deleted(district, settings):
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    numbers = jobs.compliance_run_start(run.pk, max_parts=3)
    jobs.compliance_part_execute(run.pk, numbers[0])
    ComplianceRunPart.objects.filter(run=run, number=numbers[1]).update(status="running")
    ComplianceRun.objects.filter(pk=run.pk).update(
        requested_at=run.requested_at - dt.timedelta(seconds=settings.JOB_TIME_LIMIT_SECONDS + 1))
    assert jobs.fail_lost_jobs() >= 1
    run.refresh_from_db()
    assert run.status == "failed" and jobs.LOST_JOB_ERROR in run.error
    assert dict(run.parts.values_list("number", "status")) == {
        numbers[0]: "done", numbers[1]: "failed", numbers[2]: "failed"}
    assert not ComplianceResult.objects.filter(run=run).exists()


@override_settings(COMPLIANCE_PARTS=3)
def test_on_a_worker_the_run_task_hands_its_parts_to_a_group(district):
    """Delivered by a broker (not eager, not a direct call), the task plans COMPLIANCE_PARTS
    parts and sends them as a group; the eager app runs the group here."""
    single_rows = stored_rows(jobs.compliance_run_execute(
        jobs.compliance_run_create(year=2025, as_of=YEAR_END).pk))
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    compliance_run_task.push_request(id="from-the-broker", is_eager=False,
                                     called_directly=False)
    try:
        compliance_run_task.run(run.pk)
    finally:
        compliance_run_task.pop_request()
    run.refresh_from_db()
    assert run.status == "done" and run.parts.count() == 3
    assert stored_rows(run) == single_rows


@override_settings(COMPLIANCE_PARTS=3)
def test_a_run_delivered_again_after_its_planner_was_lost_sends_the_parts_left(district):
    """The worker that planned the run died before it sent the parts: the broker delivers the
    task again (acks_late), and the parts nobody took are sent; a part taken runs once."""
    run = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    numbers = jobs.compliance_run_start(run.pk, max_parts=3)  # planned, then the worker died
    jobs.compliance_part_execute(run.pk, numbers[0])  # one part had been sent and ran
    assert jobs.compliance_parts_unclaimed(run.pk) == numbers[1:]
    compliance_run_task.push_request(id="redelivered", is_eager=False, called_directly=False)
    try:
        compliance_run_task.run(run.pk)
    finally:
        compliance_run_task.pop_request()
    run.refresh_from_db()
    assert run.status == "done" and run.parts.filter(status="done").count() == 3
    assert jobs.compliance_parts_unclaimed(run.pk) == []
