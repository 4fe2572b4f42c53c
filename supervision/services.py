"""Requests from the web: queue compliance runs and bulletins (the work itself is in
supervision/jobs.py, run by supervision/tasks.py), keep the yearly quota table, and keep the
inspections with their rectification items."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from liaison.background import run_in_background
from liaison.compliance.engine import Window
from liaison.services import record_stamp, record_validate
from supervision import jobs
from supervision.models import ComplianceRun, Inspection, Rectification, ReportFile
from supervision.tasks import bulletin_task, compliance_run_task, official_bulletin_task

ACTIVE = [ComplianceRun.Status.PENDING, ComplianceRun.Status.RUNNING]


def active_run(year: int, as_of: dt.date) -> ComplianceRun | None:
    """The run of this year and date that is still working, if any. A run older than the
    time limit was lost (a restart) and does not count, so it never blocks recomputation."""
    return ComplianceRun.objects.filter(year=year, as_of=as_of, status__in=ACTIVE,
                                        requested_at__gte=jobs.lost_before()) \
        .order_by("-pk").first()


def compliance_run_request(*, year: int, as_of: dt.date | None = None,
                           acting_user=None) -> ComplianceRun:
    """Start a run once this transaction commits, on the worker or in the background of this
    process (liaison.background). A second request while one is working gets that one."""
    jobs.fail_lost_jobs()
    window = Window.for_year(year, as_of)
    running = active_run(window.year, window.as_of)
    if running is not None:
        return running
    run = jobs.compliance_run_create(year=year, as_of=as_of, acting_user=acting_user)
    transaction.on_commit(lambda: run_in_background(compliance_run_task, run.pk))
    return run


def compliance_run_now(*, year: int, as_of: dt.date | None = None,
                       timeout: float) -> ComplianceRun:
    """For the command line: the year's figures computed, and the run that computed them.

    Without a broker (no REDIS_URL, as under `make run`) a pending run, new or found, is
    computed here, in this process, and has ended when this returns. With a broker the worker
    computes it (or, the broker down, a thread of this process). A run that is already
    computing elsewhere (a page's, the nightly one) is waited for, as the worker's is: at most
    `timeout` seconds; a run returned pending or running was not seen to its end."""
    from django.conf import settings

    jobs.fail_lost_jobs()
    window = Window.for_year(year, as_of)
    run = active_run(window.year, window.as_of)
    if run is None:
        run = jobs.compliance_run_create(year=year, as_of=as_of)
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            run_in_background(compliance_run_task, run.pk)
    if settings.CELERY_TASK_ALWAYS_EAGER and run.status == ComplianceRun.Status.PENDING:
        try:
            compliance_run_task(run.pk)  # claims the run, unless another process did first
        except Exception as exc:
            # Failed before it started (a started run records its own failure): not pending.
            jobs.compliance_run_fail(run.pk, exc, unstarted_only=True)
            run.refresh_from_db()
            if run.status == ComplianceRun.Status.PENDING:
                raise  # not even the failure could be recorded: nobody would end this run
    return compliance_run_wait(run, timeout=timeout)


def compliance_run_wait(run: ComplianceRun, *, timeout: float,
                        interval: float = 0.5) -> ComplianceRun:
    """The run once it has ended, or as it is after `timeout` seconds."""
    import time

    deadline = time.monotonic() + timeout
    run.refresh_from_db()
    while run.status in ACTIVE and time.monotonic() < deadline:
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
        run.refresh_from_db()
    return run


def fresh_figures_request() -> ComplianceRun | None:
    """After a write: recompute this year's figures as of today. While a run is working, the
    write may have come too late for it: the run's task starts one more when it ends."""
    from django.core.cache import cache

    today = timezone.localdate()
    running = active_run(today.year, today)
    if running is not None:
        cache.set(jobs.dirty_key(today.year), True, 24 * 60 * 60)
        return None
    return compliance_run_request(year=today.year, as_of=today)


@transaction.atomic
def quota_table_save(*, year: int, values: dict[tuple[str, str], int], acting_user) -> int:
    """Store the year's full quota table (a year without one starts as a copy of the table
    in force); every changed value is audited. Returns how many values changed."""
    from liaison.models import Quota
    from liaison.services import record_save

    existing = {(q.metric, q.category): q for q in Quota.objects.filter(year=year)}
    changed = 0
    for (metric, category), value in values.items():
        quota = existing.get((metric, category))
        if quota is None:
            quota = Quota(year=year, metric=metric, category=category, value=value)
        elif quota.value == value:
            continue
        else:
            quota.value = value
        record_save(instance=quota, acting_user=acting_user)
        changed += 1
    return changed


def bulletin_request(*, window: Window, acting_user) -> ReportFile:
    """Build the bulletin in the background; the same user's request for the same window
    while one is being built gets that one."""
    params = {"year": window.year, "as_of": window.as_of.isoformat()}
    jobs.fail_lost_jobs()
    pending = ReportFile.objects.filter(kind="bulletin", requested_by=acting_user, params=params,
                                        status=ReportFile.Status.PENDING).first()
    if pending is not None:
        return pending
    report = ReportFile.objects.create(kind="bulletin", requested_by=acting_user, params=params)
    transaction.on_commit(lambda: run_in_background(bulletin_task, report.pk))
    return report


# --- the quarterly district bulletin in the 红头 layout (组织部) -----------------------------

# 机关代字〔年份〕序号号 (GB/T 9704): the year in hexagonal brackets, the number without
# leading zeros.
DOC_NUMBER = re.compile(
    r"^(?P<code>[\u4e00-\u9fff]{2,12})〔(?P<year>\d{4})〕(?P<seq>[1-9]\d{0,3})号$")
DOC_NUMBER_EXAMPLE = "区委组通〔2026〕12号"
PERIODS = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度", "Y": "全年"}


def doc_number_parse(number: str) -> tuple[str, int]:
    """The cleaned document number and its year; a ValidationError in Chinese saying what
    is wrong with it otherwise."""
    number = re.sub(r"\s+", "", number or "")
    if not number:
        raise ValidationError({"doc_number": "请填写文号"})
    match = DOC_NUMBER.match(number)
    if match is None:
        if re.search(r"[\[\]()（）【】〈〉<>{}]\d{4}", number):
            hint = "年份应使用六角括号〔〕"
        elif re.search(r"〕0\d*号$", number):
            hint = "序号不编虚位（写“12号”，不写“012号”）"
        elif not number.endswith("号"):
            hint = "文号应以“号”结尾"
        elif not re.match(r"^[\u4e00-\u9fff]{2,12}〔", number):
            hint = "文号应以2至12个汉字的机关代字开头"
        else:
            hint = "年份应为4位数字，序号为1至4位数字"
        raise ValidationError({"doc_number": f"文号格式不正确：{hint}。"
                                             f"正确格式如：{DOC_NUMBER_EXAMPLE}"})
    return number, int(match.group("year"))


def period_window(year: int, period: str, today: dt.date) -> tuple[dt.date, Window]:
    """The period's first day and its window: as of the period's last day, or today if
    earlier (the year's figures to date, spec §3)."""
    if period not in PERIODS:
        raise ValidationError({"period": "请选择季度或全年"})
    if period == "Y":
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        quarter = int(period[1])
        start = dt.date(year, 3 * quarter - 2, 1)
        end = (dt.date(year, 3 * quarter + 1, 1) if quarter < 4
               else dt.date(year + 1, 1, 1)) - dt.timedelta(days=1)
    if start > today:
        raise ValidationError({"period": f"{year}年{PERIODS[period]}尚未开始，不能通报"})
    return start, Window(year, min(end, today))


@transaction.atomic
def official_bulletin_request(*, year: int, period: str, doc_number: str, issuer: str,
                              acting_user, today: dt.date | None = None) -> ReportFile:
    """组织部's quarterly (or yearly) district bulletin with its document number and issuing
    body, built in the background (supervision.jobs.official_bulletin_build)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    number, number_year = "", None
    try:
        number, number_year = doc_number_parse(doc_number)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    issuer = (issuer or "").strip()
    if not issuer:
        errors["issuer"] = "请填写发文机关"
    elif len(issuer) > 50:
        errors["issuer"] = "发文机关不能超过50个字"
    elif not re.search(r"[\u4e00-\u9fff]", issuer):
        errors["issuer"] = "发文机关应为中文全称，如：中共示范区委组织部"
    try:
        start, window = period_window(year, period, today)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        start = window = None
    if number_year is not None and number_year not in {year, today.year}:
        errors["doc_number"] = (f"文号中的年份〔{number_year}〕应为通报所属年度〔{year}〕"
                                f"或发文年度〔{today.year}〕")
    if number and "doc_number" not in errors:
        used = ReportFile.objects.select_for_update().filter(
            doc_year=number_year, doc_number=number).exclude(
            status=ReportFile.Status.FAILED).first()
        if used is not None:
            errors["doc_number"] = (f"文号“{number}”已用于{used.requested_at:%Y-%m-%d}生成的通报，"
                                    "同一年度的文号不能重复，请使用新的文号")
    if errors:
        raise ValidationError(errors)
    jobs.fail_lost_jobs()
    params = {"year": year, "as_of": window.as_of.isoformat(), "period": period,
              "period_start": start.isoformat(), "period_label": f"{year}年{PERIODS[period]}"}
    try:
        with transaction.atomic():
            report = ReportFile.objects.create(
                kind=OFFICIAL_BULLETIN, requested_by=acting_user, params=params,
                doc_number=number, doc_year=number_year, issuer=issuer)
    except IntegrityError:  # the same number taken at the same moment by another request
        raise ValidationError({"doc_number": f"文号“{number}”本年度已使用，请使用新的文号"}) \
            from None
    transaction.on_commit(lambda: run_in_background(official_bulletin_task, report.pk))
    return report


OFFICIAL_BULLETIN = "official_bulletin"


# --- inspections and rectification (督查与整改) ---------------------------------------------------
# Saved without records_changed: inspections are not ledger records, and no figure counts them.


def _save(instance, acting_user) -> None:
    record_validate(instance)
    record_stamp(instance, acting_user)
    instance.save()


@transaction.atomic
def inspection_save(*, inspection, units, acting_user):
    """An inspection and its target units, both or neither."""
    if not units:
        raise ValidationError({"units": "请至少选择一个被督查单位"})
    _save(inspection, acting_user)
    inspection.units.set(units)
    return inspection


@transaction.atomic
def inspection_publish(*, inspection, acting_user, day: dt.date | None = None):
    """通报: a covert inspection's findings become visible to the inspected units."""
    if inspection.manner != Inspection.Manner.COVERT:
        raise ValidationError("明查的问题本来就对被督查单位可见，无需通报")
    if inspection.published_on is not None:
        raise ValidationError("该暗访的问题已经通报")
    if not inspection.findings.strip():
        raise ValidationError("请先填写发现的问题，再通报")
    inspection.published_on = day or timezone.localdate()
    _save(inspection, acting_user)
    return inspection


@transaction.atomic
def rectification_save(*, item, acting_user):
    """A rectification item of an inspection: its unit is one of the inspected units (or
    under one); an accepted item no longer changes."""
    if item.pk and Rectification.objects.filter(
            pk=item.pk, status=Rectification.Status.ACCEPTED).exists():
        raise ValidationError("该整改事项已验收，不能再修改")
    paths = list(item.inspection.units.values_list("path", flat=True))
    if item.unit_id and not any(item.unit.path.startswith(path) for path in paths):
        raise ValidationError({"unit": "责任单位应为被督查单位或其下级单位"})
    _save(item, acting_user)
    return item


@transaction.atomic
def rectification_report(*, item, report: str, acting_user, day: dt.date | None = None):
    """已整改: the responsible unit reports what it did; the inspectors then accept it."""
    item = Rectification.objects.select_for_update().get(pk=item.pk)
    if item.status != Rectification.Status.IN_PROGRESS:
        raise ValidationError("该整改事项已报告整改情况，等待验收或已验收")
    if not report.strip():
        raise ValidationError({"report": "请填写整改情况"})
    item.status, item.report = Rectification.Status.REPORTED, report.strip()
    item.reported_on = day or timezone.localdate()
    _save(item, acting_user)
    return item


@transaction.atomic
def rectification_review(*, item, accept: bool, reason: str = "", acting_user,
                         day: dt.date | None = None):
    """验收 (accepted) or 退回 (back to 整改中, with the inspectors' reason)."""
    item = Rectification.objects.select_for_update().get(pk=item.pk)
    if item.status != Rectification.Status.REPORTED:
        raise ValidationError("只有已报告整改情况的事项才能验收或退回")
    if accept:
        item.status = Rectification.Status.ACCEPTED
        item.accepted_on, item.accepted_by = day or timezone.localdate(), acting_user
        item.return_reason = ""
    else:
        if not reason.strip():
            raise ValidationError({"reason": "退回时请说明理由"})
        item.status, item.return_reason = Rectification.Status.IN_PROGRESS, reason.strip()
    _save(item, acting_user)
    return item


# --- plausibility flags (可信度提示) -----------------------------------------------------------


def active_flag_run():
    """The flag run still working, if any (a lost one, past the time limit, does not count)."""
    from supervision.models import FlagRun

    return FlagRun.objects.filter(
        status__in=[FlagRun.Status.PENDING, FlagRun.Status.RUNNING],
        requested_at__gte=jobs.lost_before()).order_by("-pk").first()


def flag_run_request(*, acting_user):
    """An inspector's 重新计算: a run started in the background once this transaction
    commits; while one is working, a second request gets that one."""
    from supervision.tasks import flag_run_task

    jobs.fail_lost_jobs()
    running = active_flag_run()
    if running is not None:
        return running
    run = jobs.flag_run_create(acting_user=acting_user)
    transaction.on_commit(lambda: run_in_background(flag_run_task, run.pk))
    return run
