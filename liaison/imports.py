"""Import framework on top of django-import-export (spec/import.md).

Each import kind is an `ImportResource` registered with `@register_import`. `import_file` reads
an .xlsx or .csv file, checks headers and required cells, lets the resource import every row
through django-import-export (one transaction), and turns every error into a Chinese message
naming the spreadsheet row and column. If any row fails, or on a dry run, nothing is kept.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import NamedTuple

import openpyxl
import tablib
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.encoding import force_str
from import_export import fields, resources, widgets
from import_export.fields import NOT_PROVIDED
from import_export.resources import Diff
from import_export.results import RowResult

from liaison.bulk import bulk_insert, bulk_insert_values
from liaison.models import Cadre
from liaison.permissions import CHANGE, Role, can, user_roles
from liaison.rules import positions_preloaded
from liaison.services import (
    closed_years_frozen,
    record_stamp,
    record_validate,
    records_changed,
    serialize_on,
    today_frozen,
)

ROW_COLUMN = "__row__"  # the spreadsheet row number carried through the dataset

# import-export's steps for a new row that ImportResource.import_row does not take: a kind
# overriding one of them imports its new rows import-export's way.
DIRECT_PATH_HOOKS = ("init_instance", "get_or_init_instance", "for_delete", "save_m2m",
                     "import_row")

IMPORT_KINDS: dict[str, type[ImportResource]] = {}


def register_import(resource_class: type[ImportResource]) -> type[ImportResource]:
    IMPORT_KINDS[resource_class.kind] = resource_class
    return resource_class


def importer_roles() -> tuple[str, ...]:
    """Every role that may run at least one import kind (the import pages' gate; the kind
    itself is checked against the user's roles as well)."""
    return tuple(sorted({role for resource in IMPORT_KINDS.values() for role in resource.roles}))


def import_kinds_for(user) -> list[tuple[str, str]]:
    """(kind, label) of the imports `user` may run, in registration order."""
    roles = user_roles(user)
    return [(kind, resource.label) for kind, resource in IMPORT_KINDS.items()
            if Role.SYSADMIN in roles or roles & set(resource.roles)]


class ImportFileError(Exception):
    """The file as a whole cannot be read (bad format, missing columns)."""


OUT_OF_SCOPE = "该记录超出您的管理范围"


def cell_error(row_number: int, column: str | None, message: str) -> str:
    if column:
        return f"第{row_number}行 「{column}」: {message}"
    return f"第{row_number}行: {message}"


def row_error(row: dict, column: str | None, message: str) -> tuple[int, str]:
    """A file-level error about one row of the file, as `ImportResource.file_errors` returns."""
    return row[ROW_COLUMN], cell_error(row[ROW_COLUMN], column, message)


CODE_SEPARATORS = (";", "、", "；")


def split_codes(text) -> list[str]:
    """Several codes in one cell (spec/import.md: separated by ; or 、)."""
    text = str(text or "")
    for separator in CODE_SEPARATORS[1:]:
        text = text.replace(separator, CODE_SEPARATORS[0])
    return [code.strip() for code in text.split(CODE_SEPARATORS[0]) if code.strip()]


# --- codes resolved once per file ------------------------------------------------------------

# While an import runs: (model, code) -> row, filled for each chunk of the file in one query per
# model (ImportResource.prepare_chunk). A code not found there is asked of the database, so a
# row created earlier in the same file is still found; the cache is emptied when it grows past
# CODE_CACHE_MAX entries, to keep the memory of a large file bounded.
_code_cache: ContextVar[dict | None] = ContextVar("import_code_cache", default=None)
CODE_CACHE_MAX = 50_000
QUERY_SLICE = 500  # codes per `IN (...)`: well inside every database's parameter limit


def codes_lookup(model, codes) -> dict:
    """{code: row} of the `codes` that exist (from the import's cache where it can)."""
    cache = _code_cache.get()
    codes = {str(c) for c in codes if c not in (None, "")}
    found = {}
    if cache is not None:
        for code in codes:
            row = cache.get((model, code))
            if row is not None:
                found[code] = row
    wanted = sorted(codes - found.keys())
    # PostgreSQL takes them as one array (liaison.compliance.engine.AnyOf): thousands of
    # parameters cost more to send and parse than the query.
    step = max(len(wanted), 1) if connection.vendor == "postgresql" else QUERY_SLICE
    for i in range(0, len(wanted), step):
        for row in model.objects.filter(code__any_of=wanted[i:i + step]):
            found[row.code] = row
            if cache is not None:
                cache[(model, row.code)] = row
    return found


def code_lookup(model, code):
    """The row of `model` with this code, or None (from the import's cache first: every row
    asks for several codes)."""
    if code in (None, ""):
        return None
    code = str(code)
    cache = _code_cache.get()
    row = cache.get((model, code)) if cache is not None else None
    return row if row is not None else codes_lookup(model, [code]).get(code)


def code_remember(instance) -> None:
    """A row just saved by the import: later rows of the file naming its code get it."""
    cache = _code_cache.get()
    code = getattr(instance, "code", None)
    if cache is not None and code and instance.pk is not None:
        cache[(type(instance), code)] = instance


@contextmanager
def codes_cached():
    token = _code_cache.set({})
    try:
        yield
    finally:
        _code_cache.reset(token)


def rows_by_codes(model, noun: str, text) -> list:
    """The rows a cell of several codes names, in the cell's order (a code listed twice comes
    twice, for the rules to report); ValueError naming every unknown code."""
    codes = split_codes(text)
    found = codes_lookup(model, codes)
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValueError(f"{noun}编码「{'、'.join(missing)}」不存在")
    return [found[code] for code in codes]


# --- widgets with Chinese messages -----------------------------------------------------------


class DateWidget(widgets.Widget):
    """YYYY-MM-DD text or a real Excel date cell."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError("日期格式应为 YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"「{text}」不是真实存在的日期") from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ChoiceLabelWidget(widgets.Widget):
    """A choice given by its Chinese label; exported as the label."""

    def __init__(self, choices, **kwargs):
        self.by_label = {str(label): code for code, label in choices}
        self.by_code = {code: str(label) for code, label in choices}
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        try:
            return self.by_label[str(value)]
        except KeyError:
            allowed = "、".join(self.by_label)
            raise ValueError(f"「{value}」不是有效值，应为 {allowed} 之一") from None

    def render(self, value, obj=None, **kwargs):
        return self.by_code.get(value, "")


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, "", "否"):
            return False
        if value == "是":
            return True
        raise ValueError(f"「{value}」不是有效值，应为 是 或 否")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class CodeWidget(widgets.ForeignKeyWidget):
    """A reference by code to a row in the database (or created earlier in this file)."""

    def __init__(self, model, noun: str, **kwargs):
        self.noun = noun
        super().__init__(model, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        found = code_lookup(self.model, value)
        if found is None:
            raise ValueError(f"{self.noun}编码「{value}」不存在")
        return found


# --- resources -------------------------------------------------------------------------------


class RowChanges(Diff):
    """What an updated row changes, cell by cell: [(column, old value, new value)] in the
    file's notation (the preview lists them). import-export builds one per row (Meta.skip_diff
    stays off: skip_unchanged needs the original anyway) and keeps what `as_html` returns on
    RowResult.diff: here the RowChanges itself. A new row reads nothing; an existing row
    reads the columns its resource names in `diff_fields`: as stored now, and as imported when
    a preview lists it (`changes()`). Once a large file's preview has its rows
    (resource.diff_wanted off), the other rows read nothing."""

    def __init__(self, resource, instance, new):
        self.resource, self.new = resource, new
        wanted = not new and getattr(resource, "diff_wanted", True)
        self.fields = resource.diff_fields() if wanted else []
        self.left = self._read(instance)  # before the row is written (or its batch)
        self.instance = None

    def _read(self, instance) -> list:
        """(shown, stored) per column: shown as the resource exports it to this user (personal
        data masked where they may not see it), stored as it is, to compare."""
        if instance is None:
            return []
        return [(self.resource.export_field(f, instance),
                 resources.Resource.export_field(self.resource, f, instance))
                for f in self.fields]

    def compare_with(self, resource, instance):
        self.instance = instance

    def as_html(self):
        return self

    def changes(self) -> list:
        # The old value as the user may see it; the new one is what their file says.
        right = self._read(self.instance)
        return [(f.column_name, old_shown, new_stored)
                for f, (old_shown, old_stored), (_, new_stored)
                in zip(self.fields, self.left, right, strict=False)
                if old_stored != new_stored]


class ImportResource(resources.ModelResource):
    """Base of every import kind: natural keys, Chinese headers, service-layer validation."""

    kind: str = ""
    label: str = ""
    # Who may run the import; rows outside the user's scope are still rejected row by row.
    roles: tuple[str, ...] = (Role.ORG_DEPT,)
    required_columns: tuple[str, ...] = ()
    # Error keys that are not resource field attributes, mapped to their column.
    extra_error_columns: dict[str, str] = {}

    class Meta:
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = False  # RowResult.diff: the changed cells (RowChanges), not HTML
        clean_model_instances = False  # record_validate runs full_clean and the service rules
        use_transactions = True
        # Rows are written in batches with their history rows (bulk_create_with_history /
        # bulk_update_with_history), scope-checked per batch; what a row writes besides
        # itself (many-to-many codes, a trip's places) follows in `after_batch_saved`. A kind
        # whose rows refer to rows created earlier in the same file (the organization tree)
        # or that writes other models per row (cadres) sets use_bulk = False.
        use_bulk = True
        batch_size = 1000

    def __init__(self, *, acting_user=None, reason: str = "", **kwargs):
        super().__init__(**kwargs)
        self.acting_user = acting_user
        # Why the rows changed, in their history (the command line names its OS user here).
        self.reason = reason or None
        # (row number, message) found after rows were accepted: a bulk batch out of scope.
        self.late_errors: list[tuple[int, str]] = []

    @classmethod
    def get_diff_class(cls):
        return RowChanges

    def diff_fields(self) -> list:
        """The columns an existing row is compared on: those the import writes. Columns filled
        by a dehydrate_ method (code lists, e.g. a talk's participants) cost a query per row
        each, and are left out when they are part of the natural key, which an update never
        changes (a visit's or an assignment's contact and target)."""
        if not hasattr(self, "_diff_fields"):
            self._diff_fields = [
                f for f in self.get_import_fields() if not f.readonly and not (
                    f.column_name in self.natural_key_columns
                    and hasattr(self, f.get_dehydrate_method(self.get_field_name(f))))]
        return self._diff_fields

    # The kind's cross-row checks (file_errors, order_rows) read the whole file at once, so
    # its rows are kept in memory (the roster's tree, a cadre's name on every row, the 优秀
    # cap per organization): small files. Other kinds stream: a file is read twice, once for
    # the natural keys and once, chunk by chunk, to import.
    whole_file: bool = False

    # Columns of cadre codes whose positions the kind's rules ask about (position_held): read
    # once for each chunk.
    position_columns: tuple[str, ...] = ()

    def import_context(self):
        """A context the whole import runs in (e.g. a calendar read once for every row)."""
        if self.position_columns:
            return self._positions_preloaded()
        return nullcontext()

    @contextmanager
    def _positions_preloaded(self):
        with positions_preloaded() as positions:
            self._positions = positions
            yield

    def code_columns(self) -> list[tuple[str, tuple, bool]]:
        """(column, models its codes may name, several codes per cell?): resolved for each
        chunk in one query per model."""
        columns = [(f.column_name, (f.widget.model,), False) for f in self.get_import_fields()
                   if isinstance(f.widget, CodeWidget)]
        columns += [(self.fields[name].column_name, (model,), True)
                    for name, model, _ in getattr(self, "code_lists", ())]
        return columns

    def prepare_chunk(self, rows: list[dict]) -> None:
        """Before a chunk of rows is imported: its codes resolved, and the stored rows its
        natural keys name read, in a few queries instead of a few per row."""
        cache = _code_cache.get()
        if cache is not None and len(cache) > CODE_CACHE_MAX:
            cache.clear()
        wanted: dict = defaultdict(set)
        for column, models, several in self.code_columns():
            for row in rows:
                value = row.get(column)
                codes = split_codes(value) if several else [value]
                for model in models:
                    wanted[model].update(c for c in codes if c not in (None, ""))
        for model, codes in wanted.items():
            codes_lookup(model, codes)
        self._preload_instances(rows)

    def prepare_rules(self, rows: list[dict]) -> None:
        """Before the rows of a chunk that are new or changed are imported (the unchanged
        ones are not checked again): what the kind's rules read, for all of them at once."""
        if self.position_columns:
            cadres = codes_lookup(Cadre, [row.get(c) for row in rows
                                          for c in self.position_columns])
            self._positions.add(cadre.pk for cadre in cadres.values())

    def _preload_instances(self, rows: list[dict]) -> None:
        """The stored row of each natural key of the chunk (None: not stored yet), found as
        `natural_key_lookup` + `.first()` would find it, one query per QUERY_SLICE keys."""
        self._known: dict = {}
        self._natural_keys: dict = {}
        groups: dict[tuple, set] = defaultdict(set)
        for row in rows:
            try:
                _, found = self._natural_key(row)
            except Exception:  # noqa: BLE001 - the row's own import reports its bad cell
                continue
            if found:
                names, key = found
                groups[names].add(key)
        model = self._meta.model
        ordering = model._meta.ordering or ["pk"]
        for names, keys in groups.items():
            keys = sorted(keys, key=repr)
            first: dict = {}
            joined = self._key_columns(names) if connection.vendor == "postgresql" else None
            step = max(len(keys), 1) if joined else QUERY_SLICE
            for i in range(0, len(keys), step):
                wanted = set(keys[i:i + step])
                queries = (self._keys_joined(names, joined, wanted) if joined
                           else [self._keys_in(names, wanted)])
                # A few stored rows more than the keys name may come back (another pairing
                # of the same values, by _keys_in), and are left out here.
                for query in queries:
                    for pk, *values in model.objects.filter(query).order_by(*ordering) \
                            .values_list("pk", *names):
                        if tuple(values) in wanted:
                            first.setdefault(tuple(values), pk)
            # With the rows they refer to: a preview's old values and a row's text name them.
            stored = model.objects.select_related(*self._references()) \
                .in_bulk([first[k] for k in keys if k in first])
            self._read_stored_lists(stored)
            for key in keys:
                self._known[(names, key)] = stored.get(first.get(key))

    @staticmethod
    def _keys_in(names: tuple, wanted: set) -> Q:
        """The stored rows that may hold the `wanted` keys: one IN per column."""
        query = Q()
        for n, name in enumerate(names):
            values = {key[n] for key in wanted}
            column = Q(**{f"{name}__in": sorted(values - {None}, key=repr)})
            if None in values:
                column |= Q(**{f"{name}__isnull": True})
            query &= column
        return query

    def _key_columns(self, names: tuple) -> list | None:
        """The model field each natural key name compares, and whether its value is the code
        of the row the field refers to ("cadre__code"); None if a name is anything else."""
        columns = []
        for name in names:
            base, _, rest = name.partition("__")
            try:
                f = self._meta.model._meta.get_field(base)
            except FieldDoesNotExist:
                return None
            if (not f.concrete or f.many_to_many or rest not in ("", "code")
                    or f.model is not self._meta.model  # a parent's, in its own table
                    or (rest == "code" and not f.many_to_one)
                    or (f.many_to_one and not f.target_field.primary_key)
                    or f.db_type(connection) is None or f.get_internal_type() == "ArrayField"):
                return None
            columns.append((f, rest == "code"))
        return columns

    def _keys_joined(self, names: tuple, columns: list, wanted: set) -> list[Q]:
        """The stored rows holding exactly the `wanted` keys, on PostgreSQL: the keys sent
        as one array per column and joined (unnest), so that the natural key's index finds
        them. One IN per column matched every pairing of the values, and PostgreSQL scanned
        the whole table for it (research trips: 60 ms a chunk, against 14 ms). A code that
        names no row matches no stored row. A key with an empty value, or a value its column
        cannot hold, is read by _keys_in (the import reports a bad cell with its column)."""
        ids = {n: codes_lookup(f.related_model, {key[n] for key in wanted})
               for n, (f, by_code) in enumerate(columns) if by_code}
        arrays: list[list] = [[] for _ in columns]
        unjoinable = set()
        for key in wanted:
            if None in key:
                unjoinable.add(key)
                continue
            if any(str(key[n]) not in found for n, found in ids.items()):
                continue  # an unknown code: not stored
            try:
                values = [ids[n][str(value)].pk if by_code else f.to_python(value)
                          for n, ((f, by_code), value) in enumerate(
                              zip(columns, key, strict=True))]
            except (ValueError, ValidationError):
                unjoinable.add(key)
                continue
            for array, value in zip(arrays, values, strict=True):
                array.append(value)
        quote = connection.ops.quote_name
        model = self._meta.model
        keys = ", ".join(f"%s::{f.db_type(connection)}[]" for f, _ in columns)
        aliases = ", ".join(f"k{n}" for n in range(len(columns)))
        on = " AND ".join(f"t.{quote(f.column)} = k.k{n}" for n, (f, _) in enumerate(columns))
        sql = (f"SELECT t.{quote(model._meta.pk.column)} FROM {quote(model._meta.db_table)} t "
               f"JOIN unnest({keys}) AS k({aliases}) ON {on}")
        # The unjoinable keys in a query of their own: an OR with the join scanned the table.
        return ([Q(pk__in=RawSQL(sql, arrays))] if arrays[0] else []) + (
            [self._keys_in(names, unjoinable)] if unjoinable else [])

    def _read_stored_lists(self, stored: dict) -> None:
        """`instance._stored_related[name]`: the rows of each to-many relation of
        `prefetch_related` ("relation" or "relation__reference"), one query for all the
        stored rows (Django's prefetch built a queryset per row: most of a chunk's read).
        Plain lists: they survive the copy import-export keeps as the original."""
        model = self._meta.model
        for instance in stored.values():
            instance._stored_related = {}
        for path in self.prefetch_related():
            name, _, reference = path.partition("__")
            field = model._meta.get_field(name)
            lists: dict = defaultdict(list)
            if field.many_to_many:
                links = _through_rows(field, stored)
                targets = field.related_model.objects.in_bulk({t for _, _, t in links})
                for _, source_id, target_id in links:
                    lists[source_id].append(targets[target_id])
            else:  # the rows of another model pointing at these (a trip's places)
                key = field.field.attname
                rows = field.related_model.objects.filter(**{f"{key}__any_of": list(stored)})
                for row in rows.select_related(*[reference] if reference else []):
                    lists[getattr(row, key)].append(row)
            for pk, instance in stored.items():
                instance._stored_related[name] = lists[pk]

    def prefetch_related(self) -> list[str]:
        """What the stored rows of a chunk are read with besides their own columns: the
        many-to-many rows of its code lists (an unchanged row is one whose code lists are
        unchanged too). A visit's participants, which no column names, are not read."""
        return [name for name, _, _ in getattr(self, "code_lists", ())]

    # Whether a row whose every cell reads as its stored row's is counted unchanged without
    # going through django-import-export (`stored_unchanged`). Off where importing an
    # unchanged row still checks something: a cadre's name, a report's status for the user.
    skip_unchanged_cells: bool = True

    def stored_unchanged(self, row: dict):
        """The stored row `row` names, when importing it would change nothing: every cell
        cleaned as the import cleans it equals the stored value (the comparison of
        import-export's skip_row), and every code-list cell names the stored codes. None when
        the row must be imported: new, changed, a cell missing or unreadable. Most of a
        re-imported ledger is unchanged, and import-export's per-row work (the instance, its
        copy, the row result) was most of its time (bench/imports.py)."""
        if (not self.skip_unchanged_cells or not self._meta.skip_unchanged
                or self._meta.skip_diff or self._has_row_hook()):
            return None
        try:
            _, key = self._natural_key(row)
        except Exception:  # noqa: BLE001 - the row's own import reports its bad cell
            return None
        if not key:
            return None
        instance = getattr(self, "_known", {}).get(key)
        if instance is None:
            return None
        for f in self._cell_fields():
            if f.column_name not in row:
                return None  # import_instance may fill a missing column with a default
            if f.attribute:
                try:
                    value, stored = f.clean(row), f.get_value(instance)
                except Exception:  # noqa: BLE001 - an unreadable cell: the import reports it
                    return None
                # An empty cell of a text column (a choice left blank) is stored as "".
                if value != stored and not (value is None and stored == ""):
                    return None
            elif (";".join(sorted(split_codes(row[f.column_name])))
                  != resources.Resource.export_field(self, f, instance)):
                return None  # a code list (exported sorted), or a party of the natural key
        del self._known[key]  # handed out once, as get_instance does
        return instance

    def _has_row_hook(self) -> bool:
        """A kind checking every row before its import (before_import_row) checks unchanged
        rows too: they go through import-export."""
        return type(self).before_import_row is not resources.Resource.before_import_row

    def _cell_fields(self) -> list:
        """The fields a row's cells are compared on: those the import reads."""
        if getattr(self, "_cell_fields_cached", None) is None:
            self._cell_fields_cached = [f for f in self.get_import_fields() if not f.readonly]
        return self._cell_fields_cached

    def _references(self) -> list[str]:
        return [f.name for f in self._meta.model._meta.concrete_fields
                if f.many_to_one and f.related_model is not get_user_model()]

    @classmethod
    def headers(cls) -> list[str]:
        return [f.column_name for f in cls().get_import_fields()]

    def natural_key_lookup(self, row) -> dict | None:
        """Filter kwargs finding the existing row, or None when the key cannot be resolved."""
        raise NotImplementedError

    def _natural_key(self, row) -> tuple[dict | None, tuple | None]:
        """natural_key_lookup(row) and its _lookup_key, worked out once per row of the chunk
        (its read, the unchanged and new-row checks, get_instance and the rules each ask: a
        visit's key resolves three codes); an exception it raised is raised again."""
        number, cache = row.get(ROW_COLUMN), getattr(self, "_natural_keys", None)
        if number is None or cache is None:
            lookup = self.natural_key_lookup(row)
            return lookup, _lookup_key(lookup) if lookup else None
        if number not in cache:
            try:
                lookup = self.natural_key_lookup(row)
                cache[number] = lookup, _lookup_key(lookup) if lookup else None
            except Exception as exc:  # noqa: BLE001 - raised again to each caller
                cache[number] = exc
        found = cache[number]
        if isinstance(found, Exception):
            raise found.with_traceback(None)  # not one traceback grown by every caller
        return found

    def import_row(self, row, instance_loader, **kwargs):
        """A row whose natural key the chunk's read found no stored row for is imported here,
        in the steps import-export's import_row takes for a new row, less what only a stored
        row needs: the copy kept as the original (skip_row compares with one blank instance
        instead) and the diff (a new row lists no changed cells). Its text is read only while
        the preview lists rows. Any other row goes import-export's way. Half of a new row's
        time besides the rules and the writes was import-export's (bench/imports.py)."""
        if not self._new_by_chunk_read(row):
            return super().import_row(row, instance_loader, **kwargs)
        row_result = self.get_row_result_class()()
        row_result.import_type = RowResult.IMPORT_TYPE_NEW
        try:
            if self.get_instance(instance_loader, row) is not None:  # consumes the known key
                raise RuntimeError("导入内部错误：该行按新增处理，却找到了已有记录")
            instance = self._meta.model()
            self.after_init_instance(instance, True, row, **kwargs)
            errors: dict = {}
            try:
                self.import_instance(instance, row, **kwargs)
            except ValidationError as exc:
                errors = exc.update_error_dict(errors)
            if self.skip_row(instance, self._blank_instance(), row, errors):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                self.validate_instance(instance, errors)
                self.save_instance(instance, True, row, **kwargs)
            if getattr(self, "diff_wanted", True):
                row_result.add_instance_info(instance)
            self.after_import_row(row, row_result, **kwargs)
        except ValidationError as exc:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = exc
        except Exception as exc:  # noqa: BLE001 - as import-export reports a row's error
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(
                self.get_error_result_class()(exc, row=row, number=kwargs["row_number"]))
        return row_result

    def _new_by_chunk_read(self, row) -> bool:
        """The row's natural key was read with its chunk and names no stored row, and the
        kind imports in bulk with no hook before each row (whose rows go import-export's
        way whole)."""
        if (not self._meta.use_bulk or self._meta.skip_diff or self._meta.force_init_instance
                or self._has_row_hook() or self._overrides(*DIRECT_PATH_HOOKS)):
            return False
        try:
            _, key = self._natural_key(row)
        except Exception:  # noqa: BLE001 - the row's own import reports its bad cell
            return False
        known = getattr(self, "_known", {})
        return key is not None and key in known and known[key] is None

    @classmethod
    def _overrides(cls, *names: str) -> bool:
        """A kind overrides one of import-export's methods that the shortcuts here do not
        call: its rows take import-export's own way."""
        return any(getattr(cls, name) is not getattr(ImportResource, name) for name in names)

    def _blank_instance(self):
        """What import-export compares a new row with in skip_row: the instance as
        init_instance made it, before the row's cells were set."""
        if getattr(self, "_blank", None) is None:
            self._blank = self._meta.model()
        return self._blank

    def import_instance(self, instance, row, **kwargs):
        """import-export's import_instance, field by field as its import_field and
        Field.save do, without their layers of calls per cell (a fifth of a new row's time
        on a wide kind). A cell's ValueError is its column's error, as there."""
        plan = self._cell_plan()
        if plan is None:
            return super().import_instance(instance, row, **kwargs)
        errors = {}
        for f, attribute, clean, default in plan:
            if f.column_name not in row:
                continue
            try:
                if clean is None:
                    f.save(instance, row, **kwargs)
                    continue
                value = clean(row[f.column_name], row=row, **kwargs)
                if default is not NOT_PROVIDED and value in f.empty_values:
                    value = default() if callable(default) else default
                if value is not None or f.saves_null_values:
                    setattr(instance, attribute, value)
            except ValueError as exc:
                errors[f.attribute] = ValidationError(force_str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def _cell_plan(self) -> list | None:
        """(field, attribute, widget.clean, default) of each field a row's cells set;
        clean None where the field sets a related row's attribute ("a__b"): Field.save does.
        None for a kind overriding import_field or declaring a Field subclass: its cells are
        set import-export's way. Worked out once per import."""
        if not hasattr(self, "_cell_plan_cached"):
            import_fields = self.get_import_fields()
            self._cell_plan_cached = None if self._overrides("import_field") or any(
                type(f) is not fields.Field for f in import_fields) else [
                (f, f.attribute, None if "__" in f.attribute else f.widget.clean, f.default)
                for f in import_fields
                if f.attribute and not f.readonly
                and not isinstance(f.widget, widgets.ManyToManyWidget)]
        return self._cell_plan_cached

    def get_instance(self, instance_loader, row):
        self._row_unique_known = frozenset()
        try:
            lookup, key = self._natural_key(row)
        except ValueError:
            return None  # import_instance reports the bad cell with its column
        if not lookup:
            return None
        names = key[0]
        known = getattr(self, "_known", {})
        if key in known:
            # The chunk's read answered whether another row holds this natural key: its
            # uniqueness rule needs no query of its own (ImportResource.validate_instance).
            self._row_unique_known = frozenset(
                {frozenset(name.split("__")[0] for name in names)})
            # Handed out once: a second row naming it (the same key written differently)
            # reads the database, as row-by-row would.
            instance = known.pop(key)
            if instance is not None:
                _copied_shallowly(instance)
            return instance
        return self._meta.model.objects.filter(**lookup).first()

    def init_instance(self, row=None):
        return _copied_shallowly(super().init_instance(row))

    # The natural key's columns (spec/import.md): two rows with the same key are an error.
    natural_key_columns: tuple[str, ...] = ()

    def natural_key_of(self, row: dict) -> tuple:
        return tuple(str(row.get(c) or "") for c in self.natural_key_columns)

    def file_errors(self, rows: list[dict]) -> list[tuple[int, str]]:
        """Cross-row checks of the whole file: (row number, message); those rows are not
        imported, the others still are, so that every error is reported at once."""
        errors, first_row = [], {}
        for row in rows if self.natural_key_columns else ():
            key = self.natural_key_of(row)
            if key in first_row:
                shown = "、".join(v for v in key if v)
                errors.append(row_error(row, self.natural_key_columns[0],
                                        f"「{shown}」与第{first_row[key]}行重复"))
            first_row.setdefault(key, row[ROW_COLUMN])
        return errors

    def order_rows(self, rows: list[dict]) -> list[dict]:
        """Rows in the order they must be written (row order in the file does not matter)."""
        return rows

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if "start_date" in errors:
            errors.setdefault("end_date", [])  # an empty end takes the start: skip its check
        try:
            # Cross-row rules need sound cells; single-row checks run on the other cells.
            # Rules keeping a natural key unique without a constraint read it too.
            instance._unique_known = getattr(self, "_row_unique_known", frozenset())
            record_validate(instance, exclude=errors.keys(), unique_known=instance._unique_known)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        errors = {k: v for k, v in errors.items() if v}
        if errors:
            raise ValidationError(errors)

    def save_instance(self, instance, is_create, row, **kwargs):
        record_stamp(instance, self.acting_user)
        instance._change_reason = self.reason
        instance._import_row = row[ROW_COLUMN]
        # An existing row may be changed only from inside the scope it is in now (the stored
        # row is still the original here), e.g. not moved from another unit into one's own.
        if (self.acting_user is not None and not is_create and not self._meta.use_bulk
                and not can(self.acting_user, CHANGE, instance)):
            raise ValidationError(OUT_OF_SCOPE)
        super().save_instance(instance, is_create, row, **kwargs)
        # The command line is trusted; a web user writes only inside their scope (checked
        # per batch after a bulk write).
        if (self.acting_user is not None and not self._meta.use_bulk
                and not can(self.acting_user, CHANGE, instance)):
            raise ValidationError(OUT_OF_SCOPE)
        code_remember(instance)

    # Bulk mode (Meta.use_bulk): batches written with their history rows, then scope-checked.

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):
        if self.create_instances:
            try:
                bulk_insert(self._meta.model, self.create_instances)
                self._check_batch_scope(self.create_instances)
                self._batch_history_begin(self.create_instances, created=True)
                self.after_batch_saved(self.create_instances)
                self._batch_history_write()
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.create_instances.clear()

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):
        if self.update_instances:
            try:
                self._check_batch_scope(self.update_instances)  # as stored, before the update
                for instance in self.update_instances:
                    for f in self._auto_now_fields():
                        f.pre_save(instance, add=False)  # as save() would: updated_at
                self._meta.model.objects.bulk_update(
                    self.update_instances, self.get_bulk_update_fields(),
                    batch_size=batch_size)
                self._check_batch_scope(self.update_instances)  # and as changed
                self._batch_history_begin(self.update_instances, created=False)
                self.after_batch_saved(self.update_instances)
                self._batch_history_write()
            except Exception as exc:
                self.handle_import_error(result, exc, raise_errors)
            finally:
                self.update_instances.clear()

    def get_bulk_update_fields(self):
        """Every stored column, as save() writes them: import_instance may set more than the
        file's columns (a due date, a status)."""
        return [f.name for f in self._meta.model._meta.concrete_fields if not f.primary_key]

    def _auto_now_fields(self) -> list:
        return [f for f in self._meta.model._meta.concrete_fields if getattr(f, "auto_now", False)]

    def after_batch_saved(self, instances: list) -> None:
        """Bulk mode: what a row writes once it is stored (its id known), for a batch."""

    # The history rows of a batch, written in bulk as a row-by-row save would write them: a
    # "+" or "~" row per saved row, then a "~" row for each many-to-many change (what
    # django-simple-history's m2m_changed handler writes), each with the snapshot of the row's
    # tracked many-to-many lists at that moment (the lists of a row updated in bulk were
    # once missing from its history).

    def _batch_history_begin(self, instances: list, *, created: bool) -> None:
        model = self._meta.model
        self._history_entries: list = []
        self._m2m_state: dict = {}
        if not _has_history(model):
            return
        fields = _history_m2m_fields(model)
        for instance in instances:
            self._m2m_state[instance.pk] = {f.name: {} for f in fields}
        if not created:
            for f in fields:
                for through_id, source, target in _through_rows(f, [i.pk for i in instances]):
                    self._m2m_state[source][f.name][target] = through_id
        for instance in instances:
            self.history_entry(instance, "+" if created else "~")

    def history_entry(self, instance, history_type: str) -> None:
        """A history row of `instance` as it is now, its many-to-many lists included."""
        if _has_history(self._meta.model):
            state = self._m2m_state[instance.pk]
            self._history_entries.append(
                (instance, history_type, {name: dict(rows) for name, rows in state.items()}))

    def _batch_history_write(self) -> None:
        entries, self._history_entries = getattr(self, "_history_entries", []), []
        model = self._meta.model
        if not entries or not _has_history(model):
            return
        history_model = getattr(model, model._meta.simple_history_manager_attribute).model
        now = timezone.now()
        tracked = [f.attname for f in history_model.tracked_fields]
        history_ids = bulk_insert_values(history_model, [
            {"history_date": getattr(instance, "_history_date", now),
             "history_user_id": getattr(getattr(instance, "_history_user", self.acting_user),
                                        "pk", None),
             "history_change_reason": getattr(instance, "_change_reason", None) or self.reason,
             "history_type": history_type,
             **{name: getattr(instance, name) for name in tracked}}
            for instance, history_type, _ in entries])
        for f in _history_m2m_fields(model):
            m2m_model = getattr(history_model, f.name).model
            source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
            bulk_insert_values(m2m_model, [
                {"history_id": history_id, "id": through_id,
                 f"{source}_id": instance.pk, f"{target}_id": target_id}
                for history_id, (instance, _, snapshot) in zip(history_ids, entries, strict=True)
                for target_id, through_id in snapshot[f.name].items()])

    def _check_batch_scope(self, instances) -> None:
        if self.acting_user is None:
            return
        pks = [i.pk for i in instances]
        allowed = set(self._meta.model.objects.filter(pk__in=pks)
                      .restrict(self.acting_user, CHANGE).values_list("pk", flat=True))
        for instance in instances:
            error = (instance._import_row, cell_error(instance._import_row, None, OUT_OF_SCOPE))
            if instance.pk not in allowed and error not in self.late_errors:
                self.late_errors.append(error)

    def get_import_fields(self):
        """The same for every row of a file; import-export asks for them twice a row."""
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def column_for(self, key: str) -> str | None:
        if key == NON_FIELD_ERRORS:
            return None
        for f in self.get_import_fields():
            if f.attribute == key or f.column_name == key:
                return f.column_name
        return self.extra_error_columns.get(key)


def _copied_shallowly(instance):
    """import-export keeps a deep copy of each row's instance as the original to compare
    with: a shallow copy does (the import replaces a row's attributes, never changes the rows
    they refer to), and costs little, where a deep one copied every related row read with it."""
    def copier(memo):
        clone = copy.copy(instance)
        clone.__dict__.pop("__deepcopy__", None)
        return clone

    instance.__deepcopy__ = copier  # copy.deepcopy asks the instance itself
    return instance


def stored_related(instance, name: str) -> list:
    """The rows of a to-many relation of a stored row as they are stored (read with its
    chunk: see ImportResource.prefetch_related)."""
    lists = getattr(instance, "_stored_related", None)
    if lists is not None and name in lists:
        return lists[name]
    return list(getattr(instance, name).all())


def _has_history(model) -> bool:
    """The model keeps history rows (django-simple-history); a plug-in's may not."""
    return getattr(model._meta, "simple_history_manager_attribute", None) is not None


def _history_m2m_fields(model) -> list:
    """The many-to-many fields whose lists a model's history rows keep."""
    history_model = getattr(model, model._meta.simple_history_manager_attribute).model
    return list(getattr(history_model, "_history_m2m_fields", ()))


def _through_rows(field, pks) -> list[tuple]:
    """(link id, source id, target id) of the stored links of a many-to-many `field` from the
    rows `pks`."""
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    pks = list(pks)
    found = []
    # One array on PostgreSQL, as codes_lookup sends its codes.
    step = max(len(pks), 1) if connection.vendor == "postgresql" else QUERY_SLICE
    for i in range(0, len(pks), step):
        found += through.objects.filter(**{f"{source}__any_of": pks[i:i + step]}) \
            .order_by("pk").values_list("pk", source, target)
    return found


def _lookup_key(lookup: dict) -> tuple[tuple, tuple]:
    """A natural key's lookup as the key of the chunk's stored rows (ImportResource._known):
    its names, and their values as the database returns them."""
    names = tuple(sorted(lookup))
    return names, tuple(_key_value(lookup[n]) for n in names)


def _key_value(value):
    """A natural key's value as the database returns it (a row stands for its id)."""
    return value.pk if hasattr(value, "_meta") else value


class CodeListsMixin:
    """Columns holding several codes of a many-to-many relation (spec/import.md: separated by
    ; or 、), declared as `code_lists = ((field, model, noun), ...)`. The resource calls
    `read_code_lists` in its import_instance: the rows go to `instance._<field>`, where the
    rules read them, and an unknown code is that cell's error. A row is unchanged only if its
    lists are too, and the lists are set once the row is saved."""

    code_lists: tuple[tuple[str, type, str], ...] = ()

    def read_code_lists(self, instance, row, errors: dict) -> None:
        for name, model, noun in self.code_lists:
            try:
                rows = rows_by_codes(model, noun, row.get(self.fields[name].column_name))
            except ValueError as exc:
                errors[name], rows = [str(exc)], []
            setattr(instance, f"_{name}", rows)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return super().skip_row(instance, original, row, import_validation_errors) and all(
            {related.pk for related in stored_related(original, name)}
            == {related.pk for related in getattr(instance, f"_{name}")}
            for name, _, _ in self.code_lists)

    def save_instance(self, instance, is_create, row, **kwargs):
        super().save_instance(instance, is_create, row, **kwargs)
        if not self._meta.use_bulk:
            self.code_lists_save(instance)

    def after_batch_saved(self, instances):
        super().after_batch_saved(instances)
        for name, _, _ in self.code_lists:
            self._code_list_batch_set(name, instances)

    def _code_list_batch_set(self, name: str, instances: list) -> None:
        """`.set()` of one code list on every row of a batch: the stored links read once,
        the gone ones deleted and the new ones inserted in one query each, and the history
        rows `.set()` would write (one after the removal, one after the addition)."""
        field = self._meta.model._meta.get_field(name)
        through = field.remote_field.through
        source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        state = self._m2m_state
        tracked = bool(state) and name in next(iter(state.values()))
        if not tracked:  # not in the history's lists: read here
            state = {i.pk: {name: {}} for i in instances}
            for through_id, source_id, target_id in _through_rows(field, state):
                state[source_id][name][target_id] = through_id
        changes = []
        for instance in instances:
            stored = state[instance.pk][name]
            gone, new = set(stored), set()
            for row in getattr(instance, f"_{name}"):  # as RelatedManager.set() sorts them
                if row.pk in gone:
                    gone.remove(row.pk)
                elif row.pk not in stored:
                    new.add(row.pk)
            changes.append((instance, gone, new))
        gone_ids = [state[i.pk][name][t] for i, gone, _ in changes for t in gone]
        for i in range(0, len(gone_ids), QUERY_SLICE):
            through.objects.filter(pk__in=gone_ids[i:i + QUERY_SLICE]).delete()
        links = bulk_insert(through, [
            through(**{source: instance.pk, target: target_id})
            for instance, _, new in changes for target_id in new])
        added = iter(links)
        for instance, gone, new in changes:
            stored = state[instance.pk][name]
            for target_id in gone:
                del stored[target_id]
            if gone and tracked:
                self.history_entry(instance, "~")
            for target_id in new:
                stored[target_id] = next(added).pk
            if new and tracked:
                self.history_entry(instance, "~")

    def code_lists_save(self, instance) -> None:
        for name, _, _ in self.code_lists:
            getattr(instance, name).set(getattr(instance, f"_{name}"))

    @staticmethod
    def codes_of(related) -> str:
        """An exported cell of codes: those the import is about to set, when a row read from
        a file waits for its batch (bulk mode), else those stored."""
        name = related.prefetch_cache_name
        pending = getattr(related.instance, f"_{name}", None)
        rows = pending if pending is not None else stored_related(related.instance, name)
        return ";".join(sorted(row.code for row in rows))


# --- reading files ---------------------------------------------------------------------------


def _normalize(value):
    if isinstance(value, str):
        return value.strip()  # str.strip() also removes the full-width space U+3000
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def read_rows(filename: str, stream) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """Headers, and the non-empty data rows with their spreadsheet row numbers (header = 1)
    read one at a time from the binary `stream`: a .csv incrementally, an .xlsx in
    openpyxl's read-only mode, so that a large file never sits whole in memory."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        except Exception as exc:
            raise ImportFileError("无法读取该 Excel 文件，请确认是 .xlsx 格式") from exc
        raw_rows: Iterable = workbook.worksheets[0].iter_rows(values_only=True)
    elif name.endswith(".csv"):
        raw_rows = _csv_rows(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""))
    else:
        raise ImportFileError("只支持 .xlsx 或 .csv 文件")
    rows = iter(raw_rows)
    try:
        header_row = next(rows)
    except StopIteration:
        raise ImportFileError("文件为空，第1行应为表头") from None
    headers = [str(_normalize(h) or "") for h in header_row]

    def data() -> Iterator[tuple[int, list]]:
        for number, values in enumerate(rows, start=2):
            values = [_normalize(v) for v in values]
            values = ["" if v is None else v for v in values]
            if all(v == "" for v in values):
                continue
            yield number, (values + [""] * len(headers))[: len(headers)]

    return headers, data()


def _csv_rows(text) -> Iterator[list[str]]:
    try:
        yield from csv.reader(text)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            "CSV 文件应为 UTF-8 编码（可在 Excel 中另存为「CSV UTF-8」）") from exc


def read_table(filename: str, content: bytes) -> tuple[list[str], list[tuple[int, list]]]:
    """Headers and every non-empty data row of a file held in memory (see read_rows)."""
    headers, data = read_rows(filename, io.BytesIO(content))
    return headers, list(data)


# --- running an import -----------------------------------------------------------------------


class PreviewRow(NamedTuple):
    number: int
    label: str  # 新增/更新/不变
    text: str
    changes: list  # an updated row's changed cells: (column, old value, new value)


@dataclass
class ImportOutcome:
    kind: str
    dry_run: bool
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged

    def summary(self) -> str:
        return f"新增 {self.new} 行，更新 {self.updated} 行，不变 {self.unchanged} 行"


class _Rollback(Exception):
    pass


ROW_TYPE_LABELS = {
    RowResult.IMPORT_TYPE_NEW: "新增",
    RowResult.IMPORT_TYPE_UPDATE: "更新",
    RowResult.IMPORT_TYPE_SKIP: "不变",
}


CHUNK_ROWS = 2000  # rows imported at a time: lookups read per chunk, memory bounded by it
PREVIEW_ROWS_MAX = 2000  # rows listed in a preview; the summary counts them all


def import_file(*, kind: str, filename: str, content: bytes | None = None, path=None,
                acting_user=None, dry_run: bool = False, reason: str = "",
                progress: Callable[[int, int], None] | None = None) -> ImportOutcome:
    """Import one file of `kind` (its bytes, or the path of a large file on disk); all or
    nothing. Never raises for bad data: see .errors. `progress(done, total)` is told of every
    chunk imported."""
    resource_class = IMPORT_KINDS.get(kind)
    if resource_class is None:
        raise ImportFileError(f"未知的导入类型「{kind}」，可选：{'、'.join(IMPORT_KINDS)}")
    resource = resource_class(acting_user=acting_user, reason=reason)
    outcome = ImportOutcome(kind=kind, dry_run=dry_run)

    def open_stream():
        return io.BytesIO(content) if content is not None else open(path, "rb")  # noqa: SIM115

    try:
        with open_stream() as stream:
            columns, rows, total, file_errors = _scan(resource, filename, stream)
    except ImportFileError as exc:
        outcome.errors.append(str(exc))
        return outcome
    except _MissingColumns as exc:
        outcome.errors.extend(exc.args[0])
        return outcome
    failed = {number for number, _ in file_errors}
    errors: list[tuple[int, str]] = list(file_errors)

    try:
        with transaction.atomic(), one_import_at_a_time(kind, dry_run), closed_years_frozen(), \
                today_frozen(), codes_cached(), resource.import_context(), \
                open_stream() as stream:
            if rows is None:  # streamed: read again, chunk by chunk
                _, rows = _file_rows(resource, filename, stream, columns)
            done = 0
            for chunk in _chunks((row for row in rows if row[ROW_COLUMN] not in failed),
                                 CHUNK_ROWS):
                resource.prepare_chunk(chunk)
                # The chunk's first rows are listed, up to PREVIEW_ROWS_MAX in all, whichever
                # way they went (counted unchanged here, or imported).
                room = PREVIEW_ROWS_MAX - len(outcome.rows)
                resource.diff_wanted = room > 0
                changed, listed = _count_unchanged(outcome, resource, chunk, room)
                if changed:
                    resource.prepare_rules(changed)
                    dataset = tablib.Dataset(headers=columns + [ROW_COLUMN])
                    for row in changed:
                        dataset.append([row[h] for h in columns] + [row[ROW_COLUMN]])
                    result = resource.import_data(dataset, dry_run=False,
                                                  use_transactions=True)
                    errors += resource.late_errors
                    # A row found out of scope after its batch was written is an error row,
                    # as it is row by row: neither counted nor listed.
                    late = {number for number, _ in resource.late_errors}
                    resource.late_errors = []
                    _collect(outcome, resource, dataset, result, errors, late, listed, room)
                listed.sort(key=lambda row: row.number)
                outcome.rows += listed[:room]
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            errors.sort(key=lambda pair: pair[0])  # stable: a row's errors keep their order
            outcome.errors.extend(message for _, message in errors)
            outcome.rows.sort(key=lambda row: row.number)
            if dry_run or outcome.errors:
                raise _Rollback
            if outcome.new or outcome.updated:
                records_changed.send(sender=resource._meta.model)
    except _Rollback:
        pass
    except ImportFileError as exc:  # a .csv found not to be UTF-8 past its first rows
        outcome.errors = [str(exc)]
        outcome.new = outcome.updated = outcome.unchanged = 0
        outcome.rows = []
    return outcome


class _MissingColumns(Exception):
    pass


def _file_rows(resource: ImportResource, filename: str, stream, columns=None,
               empty_errors: list | None = None) -> Iterator[dict]:
    """The file's rows as {column: value, ROW_COLUMN: number}, one at a time; rows with an
    empty required cell are left out (their errors go to `empty_errors`)."""
    headers, data = read_rows(filename, stream)
    if columns is None:
        known = set(resource.headers())
        missing = [c for c in resource.required_columns if c not in headers]
        if missing:
            raise _MissingColumns([cell_error(1, c, "缺少必填列") for c in missing])
        # Duplicate or unknown header names: keep the first occurrence of each known column.
        columns = [h for i, h in enumerate(headers) if h in known and h not in headers[:i]]
    index = {h: headers.index(h) for h in columns}
    required = resource.required_columns

    def rows() -> Iterator[dict]:
        for number, values in data:
            row = {h: values[index[h]] for h in columns}
            row[ROW_COLUMN] = number
            empty = [c for c in required if row.get(c) in (None, "")]
            if empty:
                if empty_errors is not None:
                    empty_errors.extend((number, cell_error(number, c, "不能为空"))
                                        for c in empty)
                continue
            yield row

    return columns, rows()


def _scan(resource: ImportResource, filename: str, stream):
    """First reading: the columns, the file-level errors, how many rows there are, and for a
    whole-file kind its rows in the order they must be written (None: read them again)."""
    empty_errors: list[tuple[int, str]] = []
    columns, rows = _file_rows(resource, filename, stream, empty_errors=empty_errors)
    counted = _Counted(rows)
    if resource.whole_file:
        kept = list(counted)
        file_errors = resource.file_errors(kept)
        failed = {number for number, _ in file_errors}
        ordered = resource.order_rows([row for row in kept if row[ROW_COLUMN] not in failed])
    else:
        file_errors, ordered = resource.file_errors(counted), None
        for _ in counted:  # a kind without natural key columns leaves rows unread
            pass
    # Rows with file-level errors are left out; the others still run, so that every error
    # of the file is reported at once.
    total = counted.count - len({number for number, _ in file_errors})
    return columns, ordered, total, empty_errors + file_errors


class _Counted:
    """Iterates rows once, counting them."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def one_import_at_a_time(kind: str, dry_run: bool):
    """Inside the import's transaction, before it reads anything: take the kind's lock row
    (a row lock on PostgreSQL, the write lock on SQLite) until the transaction ends. A dry
    run (a preview) writes nothing and takes no lock."""
    if not dry_run:
        serialize_on(kind)
    yield


def _count_unchanged(outcome: ImportOutcome, resource: ImportResource, chunk: list[dict],
                     room: int) -> tuple[list[dict], list[PreviewRow]]:
    """Count the chunk's rows that would change nothing (ImportResource.stored_unchanged);
    the other rows, to import, and the first `room` of those counted, listed."""
    changed, listed = [], []
    for row in chunk:
        stored = resource.stored_unchanged(row)
        if stored is None:
            changed.append(row)
            continue
        outcome.unchanged += 1
        if len(listed) < room:
            listed.append(PreviewRow(row[ROW_COLUMN], ROW_TYPE_LABELS[
                RowResult.IMPORT_TYPE_SKIP], str(stored), []))
    return changed, listed


def _collect(outcome: ImportOutcome, resource: ImportResource, dataset, result,
             errors: list[tuple[int, str]], failed: set[int], listed: list[PreviewRow],
             room: int) -> None:
    """One chunk's result: its errors appended to `errors`, its rows counted and the first
    `room` of them added to `listed`."""
    own = 0
    def row_number(i: int) -> int:
        return dataset[i - 1][-1]

    for error in result.base_errors:
        errors.append((0, f"导入失败：{error.error}"))
    for number, row_errors in result.row_errors():
        for error in row_errors:
            n = row_number(number)
            errors.append((n, cell_error(n, None, f"处理失败：{error.error}")))
    for invalid in result.invalid_rows:
        n = row_number(invalid.number)
        for key, messages in invalid.error_dict.items():
            column = resource.column_for(key)
            for message in messages:
                errors.append((n, cell_error(n, column, message)))

    for i, row_result in enumerate(result.rows, start=1):
        label = ROW_TYPE_LABELS.get(row_result.import_type)
        if label is None or row_number(i) in failed:
            continue
        if row_result.import_type == RowResult.IMPORT_TYPE_NEW:
            outcome.new += 1
        elif row_result.import_type == RowResult.IMPORT_TYPE_UPDATE:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        if own >= room:
            continue
        own += 1
        updated = row_result.import_type == RowResult.IMPORT_TYPE_UPDATE
        changes = row_result.diff.changes() if updated and row_result.diff else []
        listed.append(PreviewRow(row_number(i), label, row_result.object_repr or "", changes))


def template_dataset(kind: str) -> tablib.Dataset:
    """An empty sheet with the kind's headers, offered as a download."""
    return tablib.Dataset(headers=IMPORT_KINDS[kind].headers())
