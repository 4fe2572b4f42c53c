"""The bulk import path (#16) gives exactly what the row-by-row path gives: the same rows,
the same history rows, the same counts and the same errors, on the shared examples; and files
are read as a stream, never whole."""

from __future__ import annotations

import csv
import datetime as dt
import io
from contextlib import nullcontext
from pathlib import Path

import openpyxl
import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext

from contactpoints.resources import VisitResource
from liaison import imports
from liaison.imports import IMPORT_KINDS, ImportResource, import_file, read_rows
from liaison.models import Organization
from tests.conftest import make_user

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "examples"
ORDER = ("organizations", "cadres", "households", "assignments", "research_trips",
         "research_reports", "visits", "calendar", "receptions", "petitions", "talks",
         "opinions", "opinion_analyses", "pledges", "registrations")
APPS = {"liaison", "research", "contactpoints", "petitions", "talks", "opinions", "pledges"}


def example_files(name: str) -> list[tuple[str, Path]]:
    folder = EXAMPLES / name
    return [(kind, folder / f"{kind}.csv") for kind in ORDER if (folder / f"{kind}.csv").is_file()]


def broken(text: str) -> str:
    """The same file with errors of every sort: a bad date, an unknown code, a duplicate of an
    earlier row, an empty required cell."""
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    if len(body) >= 4:
        dates = [i for i, h in enumerate(header) if "日期" in h]
        body[0][dates[0] if dates else 2] = "2025/13/01"
        body[1][1] = "NO-SUCH-CODE"
        body.append(list(body[2]))
        body[3][0] = ""
    else:
        return text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *body])
    return out.getvalue()


def edited(text: str) -> str:
    """The same file with the first row's last cell emptied, the second row's last cell
    changed, and the codes of every cell listing several given in reverse order (the same
    list)."""
    rows = list(csv.reader(io.StringIO(text)))
    body = rows[1:]
    for row in body:
        for i, cell in enumerate(row):
            if ";" in cell:
                row[i] = ";".join(reversed(cell.split(";")))
    if body:
        body[0][-1] = ""
    if len(body) > 1:
        body[1][-1] += "（改）"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([rows[0], *body])
    return out.getvalue()


def import_everything(name: str, user=None) -> list[tuple]:
    """Every example file of `name` in order, twice (the second must change nothing), then
    each file edited and each file with errors as dry runs: what each import said."""
    said = []
    files = example_files(name)
    for _ in range(2):
        for kind, path in files:
            outcome = import_file(kind=kind, filename=path.name, path=path, acting_user=user,
                                  reason="equivalence")
            said.append((kind, outcome.new, outcome.updated, outcome.unchanged,
                         outcome.errors, [tuple(r) for r in outcome.rows]))
    for kind, path in files:  # a cell changed or emptied: updated rows, or still unchanged
        outcome = import_file(kind=kind, filename=path.name, acting_user=user, dry_run=True,
                              content=edited(path.read_text(encoding="utf-8")).encode())
        said.append((kind, outcome.new, outcome.updated, outcome.unchanged, outcome.errors,
                     [tuple(r) for r in outcome.rows]))
    for kind, path in files:
        text = path.read_text(encoding="utf-8")
        if broken(text) == text:
            continue  # too short to break four ways
        outcome = import_file(kind=kind, filename=path.name, acting_user=user, dry_run=True,
                              content=broken(text).encode())
        said.append((kind, outcome.errors))
    return said


def _is_history(model) -> bool:
    return model.__name__.startswith("Historical")


def snapshot() -> dict[str, list[str]]:
    """Every row of the platform's tables, less what differs between two runs by nature: times,
    and the ids of history rows and link rows (their insertion order differs in batches)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in APPS or model._meta.label in (
                "liaison.AuditSeal", "liaison.User"):  # a password's salt differs by nature
            continue
        loose = _is_history(model) or model._meta.auto_created
        names = []
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateTimeField):
                continue
            if f.primary_key and (loose or _is_history(model)):
                continue
            if f.is_relation and f.related_model is not None and _is_history(f.related_model):
                continue  # a many-to-many history row's link to its history row
            names.append(f.attname)
        tables[model._meta.label] = sorted(repr(row) for row in
                                           model.objects.values_list(*names))
    return tables


def row_by_row(monkeypatch) -> None:
    """The path every kind but visits took before #16: each row looked up, checked by the
    database-reading rules and saved on its own."""
    for resource in IMPORT_KINDS.values():
        monkeypatch.setattr(resource._meta, "use_bulk", False)
    monkeypatch.setattr(ImportResource, "prepare_chunk", lambda self, rows: None)
    monkeypatch.setattr(ImportResource, "prepare_rules", lambda self, rows: None)
    monkeypatch.setattr(VisitResource, "prepare_rules", lambda self, rows: None)
    # Nothing read per chunk: every row goes through import-export, the unchanged ones too.
    monkeypatch.setattr(ImportResource, "stored_unchanged", lambda self, row: None)
    monkeypatch.setattr(VisitResource, "import_context", lambda self: nullcontext())
    monkeypatch.setattr(imports, "codes_cached", nullcontext)


class _Undo(Exception):
    pass


def both_paths(monkeypatch, name: str, user_factory=None):
    results = []
    restart_ids()  # both paths start numbering after the rows already there
    for path in ("bulk", "row by row"):
        if path == "row by row":
            row_by_row(monkeypatch)
        else:
            monkeypatch.setattr(imports, "CHUNK_ROWS", 7)  # many chunks, batches across them
        try:
            with transaction.atomic():
                user = user_factory() if user_factory else None
                results.append((import_everything(name, user), snapshot()))
                raise _Undo
        except _Undo:
            restart_ids()
    return results


def restart_ids() -> None:
    """Undone inserts leave PostgreSQL's sequences advanced (SQLite reuses the ids): start
    them again after the highest id left, so that both paths number their rows alike."""
    from django.core.management.color import no_style
    from django.db import connection

    tables = [model for model in apps.get_models(include_auto_created=True)
              if model._meta.app_label in APPS | {"auth"}]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)


@pytest.mark.parametrize("name", ["basic", "systems"])
def test_the_bulk_path_writes_and_says_exactly_what_the_row_by_row_path_does(
        db, monkeypatch, name):
    (bulk_said, bulk_rows), (row_said, row_rows) = both_paths(monkeypatch, name)
    assert bulk_said == row_said
    assert bulk_rows.keys() == row_rows.keys()
    for table in bulk_rows:
        assert bulk_rows[table] == row_rows[table], table
    # Not vacuous: the examples wrote rows and history rows, and the broken files failed.
    assert len(bulk_rows["contactpoints.Visit"]) >= 5
    assert len(bulk_rows["contactpoints.HistoricalVisit"]) == len(bulk_rows["contactpoints.Visit"])
    assert all(said[1] for said in bulk_said if len(said) == 2)


def test_a_scoped_user_gets_the_same_rows_and_errors_on_both_paths(db, monkeypatch):
    """A unit admin of one office: the rows of other units are errors, on both paths alike."""
    for kind, path in example_files("basic")[:2]:  # the tree and its cadres, as 组织部 does
        assert import_file(kind=kind, filename=path.name, path=path).ok

    def unit_admin():
        office = Organization.objects.filter(type=Organization.Type.SUBDISTRICT) \
            .order_by("code").first()
        return make_user("unit_admin", office, username=f"dw{Organization.objects.count()}")

    (bulk_said, bulk_rows), (row_said, row_rows) = both_paths(monkeypatch, "basic", unit_admin)
    assert bulk_said == row_said
    assert bulk_rows == row_rows
    assert any("超出您的管理范围" in str(said) or "不在您的管理范围" in str(said)
               for said in bulk_said)


# --- streaming -------------------------------------------------------------------------------


class WatchedStream(io.BytesIO):
    """A file that remembers how far it has been read."""

    furthest = 0

    def read(self, *args):
        data = super().read(*args)
        self.furthest = max(self.furthest, self.tell())
        return data

    def read1(self, *args):
        data = super().read1(*args)
        self.furthest = max(self.furthest, self.tell())
        return data

    def readinto(self, buffer):
        n = super().readinto(buffer)
        self.furthest = max(self.furthest, self.tell())
        return n


def test_a_csv_file_is_read_as_its_rows_are_wanted_not_whole():
    lines = ["联系类型,联系人编码,联系对象编码,开始日期,结束日期"] + [
        f"入户走访,GB{n:05d},HH{n:05d},2025-03-01,2025-03-01" for n in range(60_000)]
    content = ("\ufeff" + "\n".join(lines) + "\n").encode()
    stream = WatchedStream(content)
    headers, rows = read_rows("visits.csv", stream)
    assert headers[0] == "联系类型"  # the byte-order mark is not part of the header
    first = [next(rows) for _ in range(10)]
    assert first[0] == (2, ["入户走访", "GB00000", "HH00000", "2025-03-01", "2025-03-01"])
    assert stream.furthest < len(content) // 10  # a few blocks, not the file
    assert sum(1 for _ in rows) == 60_000 - 10


def test_an_xlsx_file_is_read_in_read_only_mode_row_by_row(monkeypatch):
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["住户编码", "户主姓名", "社区编码"])
    for n in range(2000):
        sheet.append([f"HH{n:05d}", "张三", "SQ0101"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    opened = []
    real_load = openpyxl.load_workbook

    def spy(*args, **kwargs):
        opened.append(real_load(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(imports.openpyxl, "load_workbook", spy)
    headers, rows = read_rows("households.xlsx", io.BytesIO(buffer.getvalue()))
    assert headers == ["住户编码", "户主姓名", "社区编码"]
    assert opened[0].read_only  # cells are parsed as rows are asked for
    assert not isinstance(rows, list | tuple)
    assert next(rows) == (2, ["HH00000", "张三", "SQ0101"])
    assert sum(1 for _ in rows) == 1999


def test_import_file_reads_a_large_file_in_chunks_and_never_holds_it_whole(db, monkeypatch):
    """The file on disk is read twice (keys, then chunks); no chunk is larger than
    CHUNK_ROWS, and progress is told after each."""
    monkeypatch.setattr(imports, "CHUNK_ROWS", 50)
    seen, told = [], []
    real_prepare = ImportResource.prepare_chunk

    def watch(self, rows):
        seen.append(len(rows))
        return real_prepare(self, rows)

    monkeypatch.setattr(ImportResource, "prepare_chunk", watch)
    text = "日期,类型,名称\n" + "".join(
        f"2001-{m:02d}-{d:02d},休,假日\n" for m in range(1, 13) for d in range(1, 29))
    outcome = import_file(kind="calendar", filename="c.csv", content=text.encode(),
                          progress=lambda done, total: told.append((done, total)))
    assert outcome.ok and outcome.new == 12 * 28, outcome.errors
    assert max(seen) == 50 and sum(seen) == 336
    assert told[-1] == (336, 336) and len(told) == len(seen)


def imported_then_watched(monkeypatch) -> tuple[list, dict[str, set[int]]]:
    """The example files imported; then the rows each kind sends to import-export, by row
    number, are gathered in the returned dict."""
    files = example_files("systems")
    for kind, path in files:
        assert import_file(kind=kind, filename=path.name, path=path).ok, kind
    sent: dict[str, set[int]] = {}
    import_data = ImportResource.import_data

    def watched(self, dataset, **kwargs):
        sent.setdefault(self.kind, set()).update(row[-1] for row in dataset)
        return import_data(self, dataset, **kwargs)

    monkeypatch.setattr(ImportResource, "import_data", watched)
    return files, sent


def rows_filled_in(path: Path) -> set[int]:
    """The rows whose empty end date the import fills in (with the start date)."""
    rows = csv.DictReader(path.open(encoding="utf-8-sig"))
    return {n for n, row in enumerate(rows, start=2) if row.get("结束日期") == ""}


def test_an_unchanged_file_goes_past_import_export(db, monkeypatch):
    """A file imported again is counted unchanged without import-export's row machinery,
    except in the kinds that check unchanged rows too, and for rows whose empty cell the
    import fills in (an empty end date is the start date): those go the old way."""
    files, sent = imported_then_watched(monkeypatch)
    skipping = [(kind, path) for kind, path in files
                if IMPORT_KINDS[kind].skip_unchanged_cells
                and not IMPORT_KINDS[kind]()._has_row_hook()]
    assert {"visits", "research_trips", "petitions", "talks"} <= {kind for kind, _ in skipping}
    total = 0
    for kind, path in skipping:
        outcome = import_file(kind=kind, filename=path.name, path=path)
        assert outcome.ok and outcome.total == outcome.unchanged > 0, kind
        assert sent.get(kind, set()) <= rows_filled_in(path), kind
        total += outcome.total
    assert 0 < sum(map(len, sent.values())) < total / 4  # both ways taken; mostly past


def as_xlsx(path: Path) -> bytes:
    """The CSV file as a spreadsheet saved from Excel: dates as date cells, whole numbers
    without a leading zero as number cells."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for n, row in enumerate(csv.reader(path.open(encoding="utf-8-sig"))):
        cells: list = []
        for cell in row:
            if n and len(cell) == 10 and cell[4] == cell[7] == "-":
                cells.append(dt.datetime.fromisoformat(cell))
            elif n and cell.isdigit() and not cell.startswith("0"):
                cells.append(int(cell))
            else:
                cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_unchanged_spreadsheet_goes_past_import_export_too(db, monkeypatch):
    """Date and number cells of an .xlsx file compare with the stored values as the import
    reads them: the CSV files, imported, then saved as spreadsheets, are unchanged and skip
    import-export (but rows whose empty end date the import fills in)."""
    files, sent = imported_then_watched(monkeypatch)
    converted = 0
    for kind, path in files:
        if not IMPORT_KINDS[kind].skip_unchanged_cells:
            continue
        content = as_xlsx(path)
        outcome = import_file(kind=kind, filename=f"{kind}.xlsx", content=content)
        assert outcome.ok and outcome.total == outcome.unchanged > 0, (kind, outcome.errors)
        assert sent.get(kind, set()) <= rows_filled_in(path), kind
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        converted += sum(not isinstance(c.value, str) for r in sheet.iter_rows(min_row=2)
                         for c in r if c.value is not None)
    assert converted > 100  # the spreadsheets hold date and number cells


def test_new_rows_go_past_import_export_row_machinery(db, monkeypatch):
    """A first import writes its new rows without import-export's import_row (the copy kept
    as the original, the diff), in every kind that imports in bulk with no hook before each
    row; the equivalence test above holds what they write against the row-by-row way."""
    from import_export.resources import ModelResource

    through_import_export: dict[str, int] = {}
    import_row = ModelResource.import_row

    def watched(self, row, instance_loader, **kwargs):
        through_import_export[self.kind] = through_import_export.get(self.kind, 0) + 1
        return import_row(self, row, instance_loader, **kwargs)

    monkeypatch.setattr(ModelResource, "import_row", watched)
    direct = set()
    for kind, path in example_files("systems"):
        outcome = import_file(kind=kind, filename=path.name, path=path)
        assert outcome.ok, kind
        resource = IMPORT_KINDS[kind]()
        if resource._meta.use_bulk and not resource._has_row_hook():
            direct.add(kind)
            assert kind not in through_import_export, kind
        else:
            assert through_import_export.get(kind) == outcome.total, kind
    assert {"visits", "research_trips", "petitions", "talks", "pledges"} <= direct
    assert "organizations" in through_import_export  # a row's parent may be created first


def test_a_chunks_stored_rows_are_those_its_natural_keys_name(db):
    """The stored row the chunk's read gives each natural key is the one natural_key_lookup
    + first() finds, row by row: for the file's own rows (stored), and for rows whose key
    code is changed (a code naming no row, or a key not stored) or a cell is empty. On
    PostgreSQL the keys are joined as arrays, one per column; an empty value's key alone is
    read with an IN per column."""
    files = example_files("systems")
    for kind, path in files:
        assert import_file(kind=kind, filename=path.name, path=path).ok, kind
    joined = 0
    for kind, path in files:
        resource = IMPORT_KINDS[kind]()
        if not resource.natural_key_columns:
            continue
        rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
        codes = [c for c in resource.natural_key_columns if c.endswith(("编码", "编号"))]
        for column in codes[:1]:
            for row in rows[:3]:
                rows.append({**row, column: row[column] + "-X"})
        for column in [c for c in resource.natural_key_columns if c not in codes][:1]:
            rows.append({**rows[0], column: ""})  # a key with an empty value
        for number, row in enumerate(rows, start=2):
            row[imports.ROW_COLUMN] = number
        with CaptureQueriesContext(connection) as queries:
            resource.prepare_chunk(rows)
        joined += any("unnest(" in q["sql"] for q in queries.captured_queries)
        found = stored = 0
        for row in rows:
            try:
                lookup = resource.natural_key_lookup(row)
            except Exception:  # noqa: BLE001 - a cell the import reports
                continue
            if not lookup:
                continue
            expected = resource._meta.model.objects.filter(**lookup).first()
            assert resource._known.get(imports._lookup_key(lookup)) == expected, (kind, row)
            found += 1
            stored += expected is not None
        assert stored > 0 and (found > stored or not codes), kind
    assert joined == (len([k for k, _ in files if IMPORT_KINDS[k].natural_key_columns])
                      if connection.vendor == "postgresql" else 0)


def test_a_kind_overriding_a_step_the_shortcuts_skip_takes_import_exports_way(db, monkeypatch):
    """ImportResource.import_row leaves out import-export's for_delete, save_m2m...; its
    import_instance, import_field and Field.save: a kind overriding one of them is not
    short-cut."""
    from import_export.fields import Field
    from import_export.resources import ModelResource

    class Deleting(VisitResource):
        def for_delete(self, row, instance):
            return False

    class Loud(Field):
        pass

    class Shouting(VisitResource):
        kind_field = Loud(attribute="kind", column_name="联系类型",
                          widget=VisitResource.fields["kind_field"].widget)

    row = {imports.ROW_COLUMN: 2}
    key = (("k",), (1,))
    for resource, direct in ((Deleting(), False), (VisitResource(), True)):
        resource._natural_keys, resource._known = {2: ({"k": 1}, key)}, {key: None}
        assert resource._new_by_chunk_read(row) is direct

    called = []
    import_instance = ModelResource.import_instance

    def watched(self, instance, row, **kwargs):
        called.append(type(self).__name__)
        return import_instance(self, instance, row, **kwargs)

    monkeypatch.setattr(ModelResource, "import_instance", watched)
    cells = {"联系类型": "入户走访", "开始日期": "2025-01-02", "结束日期": ""}
    for resource in (Shouting(), VisitResource()):
        ImportResource.import_instance(resource, resource._meta.model(), cells)
    assert called == ["Shouting"]
