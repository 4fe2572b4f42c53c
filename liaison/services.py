"""Every write to the core models goes through here: validated across rows, atomic, audited.

`record_save` / `record_delete` are the one write path for forms, imports and commands. Each
model's cross-row rules register with `@rules_for(Model)`; domain apps register theirs too.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.dispatch import Signal
from django.utils import timezone

from liaison.compliance.parts import stored_touched_units
from liaison.models import (
    Cadre,
    active_on_q,
)

Rule = Callable[[models.Model], None]
_RULES: dict[type[models.Model], list[Rule]] = {}


def rules_for(model: type[models.Model]):
    def register(func: Rule) -> Rule:
        _RULES.setdefault(model, []).append(func)
        return func

    return register


def record_validate(instance: models.Model, *, exclude=(), rules: bool = True,
                    unique_known=frozenset()) -> None:
    """Single-row checks, then the model's cross-row rules; all errors together.

    `exclude` names fields already known to be wrong (e.g. an unknown code in an import):
    their checks, the model's clean() and the cross-row rules, which need them, are skipped.
    `unique_known` names the uniqueness rules (as frozensets of field names) already known to
    hold for this row: an import read the stored rows of a whole chunk's natural keys at
    once, so it need not ask again row by row.
    """
    exclude = list(exclude)
    errors: dict = {}
    # A related object already loaded from the database needs no existence query per row.
    loaded = [f.name for f in instance._meta.concrete_fields
              if f.many_to_one and f.is_cached(instance)
              and getattr(getattr(instance, f.name), "pk", None) is not None]
    steps = [lambda: instance.clean_fields(exclude=exclude + loaded)]
    if not exclude:
        steps.append(instance.clean)
    steps.append(lambda: _unique_validate(instance, exclude, unique_known))
    for step in steps:
        try:
            step()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if not errors:
        # Natural keys (unique constraints) get a clear message; check constraints, and
        # conditional unique constraints that back a cross-row rule (which reports the
        # conflict in more detail), are the database's safety net.
        for constraint in type(instance)._meta.constraints:
            if (isinstance(constraint, models.UniqueConstraint) and constraint.condition is None
                    and frozenset(constraint.fields) not in unique_known):
                try:
                    constraint.validate(type(instance), instance, exclude=exclude)
                except ValidationError as exc:
                    errors = exc.update_error_dict(errors)
    if rules and not errors and not exclude:
        for rule in (*_RULES.get(type(instance), ()), ensure_years_open):
            try:
                rule(instance)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _unique_validate(instance: models.Model, exclude: list, known) -> None:
    """Model.validate_unique, less the checks in `known`."""
    unique_checks, date_checks = _unique_checks(type(instance), frozenset(exclude))
    errors = instance._perform_unique_checks(
        [(model, fields) for model, fields in unique_checks if frozenset(fields) not in known])
    for name, messages in instance._perform_date_checks(date_checks).items():
        errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@functools.lru_cache(maxsize=256)
def _unique_checks(model: type[models.Model], exclude: frozenset) -> tuple[list, list]:
    """Model._get_unique_checks, which reads the model's options only: once per model and
    set of excluded fields, not once per row (a tenth of a petition row's checks)."""
    return model()._get_unique_checks(exclude=exclude)


def record_stamp(instance: models.Model, acting_user) -> None:
    """Who is writing: for the history row, and as the entering user of a new ledger record."""
    if hasattr(instance, "entered_by_id") and instance.pk is None and acting_user is not None:
        instance.entered_by = acting_user
    instance._history_user = acting_user


# Set while a large import runs, so that its rows do not each ask for the closed years.
_closed_years: ContextVar[frozenset[int] | None] = ContextVar("closed_years", default=None)


def closed_years() -> frozenset[int]:
    from liaison.models import ClosedYear

    cached = _closed_years.get()
    if cached is not None:
        return cached
    return frozenset(ClosedYear.objects.values_list("year", flat=True))


@contextmanager
def closed_years_frozen():
    """Within the block (one import, one transaction) the closed years are read once."""
    token = _closed_years.set(closed_years())
    try:
        yield
    finally:
        _closed_years.reset(token)


# Set while an import runs: its rows are checked against the day it began. The local date
# costs a context-local lookup per call (a tenth of a research trip row's checks).
_today: ContextVar[dt.date | None] = ContextVar("today", default=None)


def today() -> dt.date:
    """The local date, read once for a whole import (today_frozen)."""
    return _today.get() or timezone.localdate()


@contextmanager
def today_frozen():
    token = _today.set(timezone.localdate())
    try:
        yield
    finally:
        _today.reset(token)


def ensure_years_open(instance: models.Model) -> None:
    """A ledger record dated in a closed year cannot be created, changed or deleted, nor be
    moved into or out of one (its stored dates are checked as well as the new ones)."""
    fields = getattr(instance, "ledger_date_fields", ())
    if not fields:
        return
    shut = closed_years()
    if not shut:
        return
    dates = [getattr(instance, f) for f in fields]
    if instance.pk:
        stored = type(instance)._default_manager.filter(pk=instance.pk).values(*fields).first()
        if stored:
            dates += list(stored.values())
    closed = sorted({d.year for d in dates if d} & shut)
    if closed:
        listed = "、".join(f"{y}年" for y in sorted(closed))
        raise ValidationError(f"{listed}已关闭，该年度的记录不能新增、修改或删除")


# Sent when records were written (a form, a delete, an import: once per write); receivers act
# on commit (supervision recomputes the year's figures, which rosters and ledgers feed). A
# write of one record also sends its `pk` and `units_before`, the top-level units its stored
# version touched (liaison.compliance.parts.touched_units), for an incremental recomputation.
records_changed = Signal()


def _changed(model, pk, units_before) -> None:
    records_changed.send(sender=model, pk=pk, units_before=units_before)


def serialize_on(name: str) -> None:
    """Inside a transaction, before it reads anything: take the named lock row until the
    transaction ends (a row lock on PostgreSQL, the write lock on SQLite), so that work of
    the same name runs one at a time (imports of one kind, the audit sealing)."""
    from liaison.models import ImportLock

    now = timezone.now()
    if not ImportLock.objects.filter(kind=name).update(taken_at=now):
        ImportLock.objects.get_or_create(kind=name, defaults={"taken_at": now})


DUPLICATE_MESSAGE = "同样的记录已经存在（可能是重复提交），没有再次保存。请刷新页面查看已有记录。"


@transaction.atomic
def record_save(*, instance: models.Model, acting_user, validate: bool = True) -> models.Model:
    """Validate (model and cross-row rules), stamp and save. A record that passed validation
    can still collide with one saved a moment earlier by a concurrent request: the database
    constraint refuses it, and the caller gets a ValidationError, never a 500."""
    if validate:
        record_validate(instance)
    record_stamp(instance, acting_user)
    units_before = stored_touched_units(type(instance), instance.pk)
    try:
        with transaction.atomic():  # a savepoint: the surrounding transaction stays usable
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(DUPLICATE_MESSAGE, code="duplicate") from exc
    _changed(type(instance), instance.pk, units_before)
    return instance


@transaction.atomic
def record_verification_save(*, record: models.Model, result: str, acting_user,
                             source: str = ""):
    """A verification result of an activity record (spec/compliance.md §10): it becomes the
    record's latest, the earlier ones stay as history. The compliance engine reads the latest
    (liaison.compliance.engine.Context.counted); the caller recomputes the figures."""
    from django.contrib.contenttypes.models import ContentType

    from liaison.models import RecordVerification

    if result not in RecordVerification.Result.values:
        raise ValidationError("核实结果无效")
    content_type = ContentType.objects.get_for_model(type(record))
    earlier = RecordVerification.objects.select_for_update().filter(
        content_type=content_type, object_id=record.pk, latest=True)
    for row in earlier:
        row.latest = False
        row._history_user = acting_user
        row.save(update_fields=["latest"])
    verification = RecordVerification(content_type=content_type, object_id=record.pk,
                                      result=result, source=source[:100],
                                      recorded_by=acting_user)
    verification._history_user = acting_user
    verification.save()
    return verification


@transaction.atomic
def cadre_create(*, cadre: Cadre, position, acting_user) -> Cadre:
    """A new cadre and their first position, both or neither."""
    record_save(instance=cadre, acting_user=acting_user)
    position.cadre = cadre
    record_save(instance=position, acting_user=acting_user)
    return cadre


@transaction.atomic
def record_delete(*, instance: models.Model, acting_user) -> None:
    ensure_years_open(instance)
    instance._history_user = acting_user
    units_before = stored_touched_units(type(instance), instance.pk)
    pk = instance.pk  # Django clears it on delete
    try:
        instance.delete()
    except models.ProtectedError as exc:
        raise ValidationError(
            f"「{instance}」仍被其他记录引用（{len(exc.protected_objects)} 条），不能删除"
        ) from exc
    _changed(type(instance), pk, units_before)


@transaction.atomic
def cadre_logins_create(*, cadres, acting_user, make_password) -> list[tuple[Cadre, str, str]]:
    """Open a login for each cadre without one: username = cadre code (lower case), role 干部
    scoped to the unit of the cadre's current position, initial password to change at first
    login. Returns (cadre, username, initial password) for a one-time display."""
    from django.contrib.auth.models import Group

    from liaison.models import RoleGrant, User
    from liaison.permissions import Role

    role = Group.objects.get(name=Role.CADRE)
    today = timezone.localdate()
    created = []
    for cadre in cadres:
        if cadre.user_id:
            continue
        position = (
            cadre.positions.filter(active_on_q(today)).order_by("start_date").first()
            or cadre.positions.order_by("-start_date").first()
        )
        if position is None:
            raise ValidationError(f"干部「{cadre}」没有任职记录，无法确定所属单位")
        username = cadre.code.lower()
        if User.objects.filter(username=username).exists():
            raise ValidationError(f"用户名「{username}」已被占用")
        password = make_password()
        user = User(username=username, first_name=cadre.name, must_change_password=True)
        user.set_password(password)
        user._history_user = acting_user
        user.save()
        grant = RoleGrant(user=user, group=role, organization=position.organization)
        record_save(instance=grant, acting_user=acting_user)
        cadre.user = user
        record_save(instance=cadre, acting_user=acting_user)
        created.append((cadre, username, password))
    return created


@transaction.atomic
def year_close(*, year: int, acting_user) -> None:
    from liaison.models import ClosedYear

    if ClosedYear.objects.filter(year=year).exists():
        raise ValidationError(f"{year}年已经关闭")
    record_save(instance=ClosedYear(year=year, closed_by=acting_user), acting_user=acting_user)


@transaction.atomic
def year_reopen(*, year: int, acting_user) -> None:
    from liaison.models import ClosedYear

    closed = ClosedYear.objects.filter(year=year).first()
    if closed is None:
        raise ValidationError(f"{year}年没有关闭")
    closed._history_user = acting_user
    closed.delete()  # the history row records who reopened it and when


def activity_dates_check(start, end, *, start_field="start_date", end_field="end_date",
                         max_days: int | None = None) -> None:
    """Activity dates (spec/import.md): none in the future, the end not before the start, and
    at most `max_days` days from start to end."""
    today_ = today()
    errors = {}
    if start and start > today_:
        errors[start_field] = f"日期 {start:%Y-%m-%d} 在今天之后，不能登记未来的活动"
    if end and end > today_ and end != start:  # one message when the end is the start's day
        errors[end_field] = f"日期 {end:%Y-%m-%d} 在今天之后，不能登记未来的活动"
    if start and end and end < start:
        errors[end_field] = "结束日期不能早于开始日期"
    elif start and end and max_days is not None and (end - start).days > max_days:
        span = (end - start).days
        errors[end_field] = f"结束日期最多在开始日期后 {max_days} 天（本条为 {span} 天）"
    if errors:
        raise ValidationError(errors)


def personal_data_access_log(*, user, action: str, model, obj=None, rows: int = 1,
                             label: str = "", reason: str = "") -> None:
    """Record that `user` saw (or exported) personal data of `model` in full, and why."""
    from liaison.models import PersonalDataAccess

    PersonalDataAccess.objects.create(
        user=user, action=action, record_type=model._meta.verbose_name,
        record_id=getattr(obj, "pk", None), record_label=label or (str(obj) if obj else ""),
        rows=rows, reason=reason[:200])


def notify(*, messages: list[tuple[object, str, str, str]]) -> int:
    """In-app notifications, (user, text, url, key) each, and the same by e-mail to users who
    have an address; a (user, key) already notified is skipped. Returns how many were new."""
    from django.conf import settings
    from django.core.mail import send_mass_mail

    from liaison.models import Notification

    wanted = {(user.pk, key): (user, text, url) for user, text, url, key in messages}
    known = set(Notification.objects.filter(
        user_id__in={pk for pk, _ in wanted}, key__in={key for _, key in wanted})
        .values_list("user_id", "key"))
    new = [Notification(user=user, text=text, url=url, key=key)
           for (pk, key), (user, text, url) in wanted.items() if (pk, key) not in known]
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    mails = [(f"[{settings.DISTRICT_NAME}联系服务群众平台] {' '.join(n.text.split())[:60]}",
              f"{n.text}\n\n{settings.SITE_URL.rstrip('/')}{n.url}", None, [n.user.email])
             for n in new if n.user.email]
    if mails:
        send_mass_mail(mails, fail_silently=True)  # the in-app notice is the one that counts
    return len(new)


def refresh_stored(queryset, fields: tuple[str, ...], refresh, batch_size: int = 2000) -> int:
    """Recompute stored derived fields (e.g. due dates on the working calendar) row by row
    with `refresh(row)`, reading and writing in batches; returns how many rows changed. The
    queryset loads what `refresh` reads and `fields` (only())."""
    changed, total = [], 0
    for row in queryset.iterator(chunk_size=batch_size):
        before = tuple(getattr(row, f) for f in fields)
        refresh(row)
        if tuple(getattr(row, f) for f in fields) != before:
            changed.append(row)
        if len(changed) >= batch_size:
            queryset.model.objects.bulk_update(changed, fields)
            total, changed = total + len(changed), []
    queryset.model.objects.bulk_update(changed, fields)
    return total + len(changed)
