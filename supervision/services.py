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
from supervision import jobs, section_figures
from supervision.models import ComplianceRun, Inspection, Rectification, ReportFile
from supervision.selectors import published_run
from supervision.tasks import (
    bulletin_task,
    compliance_run_task,
    official_bulletin_task,
    section_figures_task,
)

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


def section_figures_shown(section, user, window, unit) -> section_figures.Shown:
    """A systems page's figures (supervision.section_figures): the kept ones when still
    current; outdated ones while a background job counts them again; for a page never counted,
    the job's result if it comes within FIRST_WAIT_SECONDS, else none yet (the page shows
    that it is counting)."""
    import time

    def count_in_background() -> None:
        if section_figures.claim_refresh(section, user, window, unit):
            run_in_background(section_figures_task, section.name, user.pk, window.year,
                              window.as_of.isoformat(), unit and unit.pk)

    snapshot = section_figures.kept(section, user, window, unit)
    if snapshot is None:
        if section_figures.failed(section, user, window, unit):
            return section_figures.Shown(None, failed=True)
        count_in_background()
        deadline = time.monotonic() + section_figures.FIRST_WAIT_SECONDS
        while (snapshot := section_figures.kept(section, user, window, unit)) is None \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        if snapshot is None:
            return section_figures.Shown(None)
    elif section_figures.outdated(snapshot):
        count_in_background()
        snapshot = section_figures.kept(section, user, window, unit) or snapshot  # done inline
    return section_figures.Shown(snapshot.figures, snapshot.html, snapshot.computed_at,
                                 section_figures.outdated(snapshot))


def fresh_figures_request(units: frozenset[int] | None = None) -> ComplianceRun | None:
    """After a write: recompute this year's figures as of today; only the parts holding
    `units` (top-level units) when they are given and today's figures are published, the
    other parts' rows are then copied (jobs.compliance_part_execute). While a run is working,
    the write may have come too late for it: the run's task starts one more, a whole one,
    when it ends."""
    from django.core.cache import cache

    today = timezone.localdate()
    running = active_run(today.year, today)
    if running is not None:
        cache.set(jobs.dirty_key(today.year), True, 24 * 60 * 60)
        return None
    if units is None:
        return compliance_run_request(year=today.year, as_of=today)
    jobs.fail_lost_jobs()  # a lost run after the base is a failed one: no rows copied
    run = jobs.compliance_run_create(year=today.year, as_of=today,
                                     base_run=published_run(today.year, today),
                                     touched_units=units)
    transaction.on_commit(lambda: run_in_background(compliance_run_task, run.pk))
    return run


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


# --- random spot checks (双随机) with call-backs (spec/compliance.md §10) ------------------------


def spot_population(*, kinds, period_start: dt.date, period_end: dt.date, unit) -> list:
    """The records a unit's sample is drawn from: (kind, pk) of each checkable kind (by name)
    dated in the period whose unit lies in the unit's subtree, ordered by kind then pk."""
    from liaison.compliance.registry import CHECKABLE
    from liaison.models import Organization

    under = Organization.objects.filter(path__startswith=unit.path).values("pk")
    population = []
    for name in sorted(kinds):
        kind = CHECKABLE[name]
        pks = kind.records().filter(
            **{f"{kind.date_field}__range": (period_start, period_end)},
            spot_unit__in=under).order_by("pk").values_list("pk", flat=True)
        population.extend((name, pk) for pk in pks)
    return population


def spot_sample_draw(*, seed: str, kinds, period_start: dt.date, period_end: dt.date,
                     units, sample_size: int) -> list[tuple[int, str, int]]:
    """The sample: (unit id, kind, record pk), units by pk, each unit's records drawn from its
    population by a generator seeded with the seed and the unit (a pure function of seed +
    frame + the records ordered by primary key: drawn again, it gives the same sample)."""
    import random

    sample = []
    for unit in sorted(units, key=lambda u: u.pk):
        population = spot_population(kinds=kinds, period_start=period_start,
                                     period_end=period_end, unit=unit)
        rng = random.Random(f"{seed}|{unit.pk}")
        drawn = rng.sample(population, min(sample_size, len(population)))
        sample.extend((unit.pk, kind, pk) for kind, pk in sorted(drawn))
    return sample


def spot_inspector_pool(users=None) -> list:
    """The users verifiers are drawn from: those given, else every active 组织部 or 纪检监察
    user; by pk."""
    from liaison.models import User
    from supervision.scopes import INSPECTORS

    if users:
        return sorted(users, key=lambda u: u.pk)
    return list(User.objects.filter(is_active=True, role_grants__group__name__in=INSPECTORS)
                .distinct().order_by("pk"))


def spot_recusals(pool, today: dt.date) -> dict[int, tuple[set[str], int | None]]:
    """{user: (paths of the organizations they belong to — their role grants' and their cadre
    positions' on `today` —, their cadre id)}: what recusal needs, three queries."""
    from liaison.models import Cadre, Position, RoleGrant

    ids = [u.pk for u in pool]
    paths: dict[int, set[str]] = {pk: set() for pk in ids}
    for user_id, path in RoleGrant.objects.filter(user_id__in=ids).values_list(
            "user_id", "organization__path"):
        paths[user_id].add(path)
    for user_id, path in Position.objects.active_on(today).filter(
            cadre__user_id__in=ids).values_list("cadre__user_id", "organization__path"):
        paths[user_id].add(path)
    cadres = dict(Cadre.objects.filter(user_id__in=ids).values_list("user_id", "pk"))
    return {pk: (paths[pk], cadres.get(pk)) for pk in ids}


def is_recused(recusal: tuple[set[str], int | None], unit_path: str, cadre_id) -> bool:
    """An inspector may not verify a record of a unit they belong to (their organization or
    cadre position lies in the unit's subtree), nor a record of their own."""
    paths, own_cadre = recusal
    return any(path.startswith(unit_path) for path in paths) or (
        own_cadre is not None and own_cadre == cadre_id)


def spot_verifiers_draw(*, seed: str, items, pool, recusals) -> list:
    """A verifier for each item (with .unit and .cadre_id), drawn at random among the pool's
    users not recused, the least loaded first. Nobody eligible: a ValidationError naming it."""
    import random

    rng = random.Random(f"{seed}|verifiers")
    load = {user.pk: 0 for user in pool}
    chosen = []
    for item in items:
        eligible = [u for u in pool
                    if not is_recused(recusals[u.pk], item.unit.path, item.cadre_id)]
        if not eligible:
            raise ValidationError(
                f"抽中的「{item.description}」（{item.unit.name}）没有可指派的核查人员："
                "核查人员范围内的人员均属被抽查单位或为记录本人，需回避。请扩大核查人员范围。")
        least = min(load[u.pk] for u in eligible)
        verifier = rng.choice([u for u in eligible if load[u.pk] == least])
        load[verifier.pk] += 1
        chosen.append(verifier)
    return chosen


def _nested(units) -> bool:
    paths = sorted(unit.path for unit in units)
    return any(b.startswith(a) for a, b in zip(paths, paths[1:], strict=False))


@transaction.atomic
def spot_check_create(*, spot_check, units, pool=(), acting_user, seed: str | None = None):
    """Record the frame and a fresh random seed, draw the sample and its verifiers, all or
    nothing."""
    import secrets

    from django.contrib.contenttypes.models import ContentType

    from liaison.compliance.registry import CHECKABLE
    from supervision.models import SpotCheckItem

    units = list(units)
    if not spot_check.kinds:
        raise ValidationError({"kinds": "请至少选择一种记录类型"})
    unknown = set(spot_check.kinds) - set(CHECKABLE)
    if unknown:
        raise ValidationError({"kinds": "未知的记录类型"})
    if not units:
        raise ValidationError({"units": "请至少选择一个被抽查单位"})
    if _nested(units):
        raise ValidationError({"units": "被抽查单位不能相互包含（上级单位已含其下级单位）"})
    spot_check.seed = seed or secrets.token_hex(16)
    _save(spot_check, acting_user)
    spot_check.units.set(units)
    spot_check.pool.set(list(pool))

    sample = spot_sample_draw(seed=spot_check.seed, kinds=spot_check.kinds,
                              period_start=spot_check.period_start,
                              period_end=spot_check.period_end, units=units,
                              sample_size=spot_check.sample_size)
    if not sample:
        raise ValidationError("所选单位在该期间没有可抽取的记录，请调整抽查范围")
    by_kind: dict[str, list[int]] = {}
    for _, kind, pk in sample:
        by_kind.setdefault(kind, []).append(pk)
    records = {}
    for name, pks in by_kind.items():
        kind = CHECKABLE[name]
        for record in kind.model._default_manager.filter(pk__in=pks).select_related(
                *{kind.cadre_field}):
            records[name, record.pk] = record
    unit_by_pk = {unit.pk: unit for unit in units}
    items = []
    for position, (unit_pk, name, pk) in enumerate(sample, start=1):
        kind, record = CHECKABLE[name], records[name, pk]
        items.append(SpotCheckItem(
            spot_check=spot_check, position=position, unit=unit_by_pk[unit_pk], kind=name,
            content_type=ContentType.objects.get_for_model(kind.model), object_id=pk,
            cadre_id=getattr(record, f"{kind.cadre_field}_id"),
            record_date=getattr(record, kind.date_field), description=kind.describe(record)))
    verifier_pool = spot_inspector_pool(list(pool))
    recusals = spot_recusals(verifier_pool, timezone.localdate())
    for item, verifier in zip(items, spot_verifiers_draw(
            seed=spot_check.seed, items=items, pool=verifier_pool, recusals=recusals),
            strict=True):
        item.verifier = verifier
    for item in items:
        item._history_user = acting_user
        item.save()
    _notify_verifiers(spot_check, items)
    return spot_check


def _notify_verifiers(spot_check, items) -> None:
    from collections import Counter

    from liaison.services import notify

    counts = Counter(item.verifier for item in items)
    notify(messages=[(user, f"您被随机指派为「{spot_check.title}」的核查人，"
                            f"请回访核实 {n} 条记录", spot_check.get_absolute_url(),
                      f"spot-check-{spot_check.pk}-verify") for user, n in counts.items()])


def _notify_referral(item) -> None:
    """A record found 不属实: the 纪检监察 users over its unit are told (once per item)."""
    from django.urls import reverse

    from liaison.models import User
    from liaison.permissions import Role
    from liaison.services import notify

    path = item.unit.path  # the unit and its ancestors: "/1/", "/1/5/", "/1/5/9/"
    paths = [path[:i + 1] for i, char in enumerate(path) if char == "/"]
    inspectors = User.objects.filter(
        is_active=True, role_grants__group__name=Role.INSPECTOR,
        role_grants__organization__path__in=paths).distinct()
    who = item.cadre.name if item.cadre_id else item.unit.name
    notify(messages=[(user, f"双随机抽查核实为不属实，移送纪检监察：{who}，{item.description}",
                      reverse("supervision:spot_referrals"), f"spot-untrue-{item.pk}")
                     for user in inspectors])


def spot_check_redraw(*, spot_check) -> dict:
    """重新抽取核对: the sample drawn again from the stored seed and frame, compared with the
    stored one (the verifiers are not redrawn: the pool's memberships change over time)."""
    stored = list(spot_check.items.order_by("position").values_list(
        "unit_id", "kind", "object_id"))
    again = spot_sample_draw(seed=spot_check.seed, kinds=spot_check.kinds,
                             period_start=spot_check.period_start,
                             period_end=spot_check.period_end, units=spot_check.units.all(),
                             sample_size=spot_check.sample_size)
    return {"stored": stored, "again": again, "equal": stored == again,
            "missing": [row for row in stored if row not in again],
            "extra": [row for row in again if row not in stored]}


def spot_record(item):
    """The sampled record itself, or None once deleted."""
    from liaison.compliance.registry import CHECKABLE

    kind = CHECKABLE.get(item.kind)
    if kind is None:
        return None
    return kind.model._default_manager.filter(pk=item.object_id).first()


def figures_recompute(years) -> None:
    """Once this transaction commits: this year's figures as after any write, and each earlier
    year concerned as of its 31 December (spec §10: the years concerned)."""
    today = timezone.localdate()
    for year in sorted(set(years)):
        if year == today.year:
            transaction.on_commit(fresh_figures_request, robust=True)
        elif year < today.year:
            transaction.on_commit(lambda y=year: compliance_run_request(year=y), robust=True)


@transaction.atomic
def spot_item_verify(*, item, callee: str, called_at, statement: str, result: str,
                     acting_user):
    """The assigned verifier records the call-back and its result; the record's latest
    verification changes with it, and the figures of the years the record touches are
    recomputed. Recording again (a later call-back) replaces the result."""
    from django.core.exceptions import PermissionDenied

    from liaison.compliance.registry import CHECKABLE
    from liaison.services import record_verification_save
    from supervision.models import SpotCheckItem

    item = SpotCheckItem.objects.select_for_update().get(pk=item.pk)
    if item.verifier_id != getattr(acting_user, "pk", None):
        raise PermissionDenied("只有被指派的核查人可以记录回访结果")
    errors = {}
    if result not in SpotCheckItem.Result.values:
        errors["result"] = "请选择核实结果"
    if not (callee or "").strip():
        errors["callee"] = "请填写回访对象"
    if not (statement or "").strip():
        errors["statement"] = "请填写回访情况"
    if called_at is None:
        errors["called_at"] = "请填写回访时间"
    elif called_at > timezone.now():
        errors["called_at"] = "回访时间不能晚于现在"
    if errors:
        raise ValidationError(errors)
    record = spot_record(item)
    if record is None:
        raise ValidationError("被抽查的记录已被删除，无法记录核实结果")
    item.callee, item.called_at = callee.strip(), called_at
    item.statement, item.result = statement.strip(), result
    item.verified_at = timezone.now()
    _save(item, acting_user)
    record_verification_save(record=record, result=result, acting_user=acting_user,
                             source=f"双随机抽查#{item.spot_check_id}第{item.position}条")
    if result == SpotCheckItem.Result.UNTRUE:
        _notify_referral(item)
    figures_recompute(CHECKABLE[item.kind].years_of(record))
    return item
