"""Declarative view tests (NetBox's ViewTestCases): a model's test class names its URLs, a
record in scope, a record out of scope and the data of a new record, and inherits the tests every
standard page must pass. Mix in only the pages the model has; the tests of a model's own rules
stay next to it as plain functions.

Records are named by their attribute on the `tree` fixture (tests/conftest.py): `*_in` lies in
the scope of every test user, `*_out` outside it.
"""

from __future__ import annotations

import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import FileField, ModelMultipleChoiceField
from django.urls import reverse


def form_values(form) -> dict:
    """A rendered form's values as a browser would post them back unchanged."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled or isinstance(field, FileField):
            continue  # a file already stored is kept when none is posted
        value = form[name].value()
        if isinstance(field, ModelMultipleChoiceField):
            data[name] = [getattr(item, "pk", item) for item in value or []]
        elif value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = getattr(value, "pk", value)
    return data


def form_errors(response):
    """What a refused form says (for assertion messages)."""
    context = response.context or {}
    return context["form"].errors if "form" in context else response.status_code


class ViewTestCase:
    model = None
    url_name = ""        # "research:trip" names research:trip_list, _create, _detail...
    in_scope = ""        # a `tree` record the worker may change
    out_of_scope = ""    # a `tree` record outside every scoped user's reach
    worker = "unit_admin"  # the `users` member who keeps these records
    reader = "inspector"   # one who may read them but not change them; "" for none

    def url(self, page: str, obj=None) -> str:
        return reverse(f"{self.url_name}_{page}", args=[obj.pk] if obj is not None else [])

    def login(self, client, users, who: str = ""):
        client.force_login(getattr(users, who or self.worker))

    def records(self, tree):
        return getattr(tree, self.in_scope), getattr(tree, self.out_of_scope)


class ListViewTests(ViewTestCase):
    def test_the_list_shows_records_in_scope_only(self, client, users, tree):
        inside, outside = self.records(tree)
        self.login(client, users)
        page = client.get(self.url("list"))
        assert page.status_code == 200
        listed = {obj.pk for obj in page.context["page"].object_list}
        assert inside.pk in listed and outside.pk not in listed

    def test_the_list_survives_a_bad_page_number(self, client, users, tree):
        self.login(client, users)
        assert client.get(self.url("list"), {"page": "abc"}).status_code == 200


class ExportViewTests(ViewTestCase):
    export_role = ""  # who exports; the worker unless set
    # An export holding personal data asks for a reason first (#15): the reason posted.
    export_reason = ""

    def export(self, client, fmt: str):
        if self.export_reason:
            return client.post(f"{self.url('list')}?export={fmt}", {"reason": self.export_reason})
        return client.get(self.url("list"), {"export": fmt})

    def test_the_export_holds_records_in_scope_only(self, client, users, tree):
        inside, outside = self.records(tree)
        self.login(client, users, self.export_role)
        response = self.export(client, "csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) >= 2  # the headers and at least the record in scope
        sheet = openpyxl.load_workbook(io.BytesIO(self.export(client, "xlsx").content)).active
        assert sheet.max_row == len(rows)
        listed = client.get(self.url("list")).context["page"].paginator.count
        assert len(rows) - 1 == listed  # exactly what the list shows
        assert outside.pk not in {o.pk for o in client.get(self.url("list"))
                                  .context["page"].object_list}


class DetailViewTests(ViewTestCase):
    def test_the_detail_opens_in_scope_and_is_404_out_of_scope(self, client, users, tree):
        inside, outside = self.records(tree)
        self.login(client, users)
        assert client.get(self.url("detail", inside)).status_code == 200
        assert client.get(self.url("detail", outside)).status_code == 404
        if self.reader:
            self.login(client, users, self.reader)
            assert client.get(self.url("detail", inside)).status_code == 200


class CreateViewTests(ViewTestCase):
    def form_data(self, tree) -> dict:
        """The fields of a valid new record in the worker's scope."""
        raise NotImplementedError

    def test_a_create_saves_the_record_with_its_history(self, client, users, tree):
        before = set(self.model.objects.values_list("pk", flat=True))
        self.login(client, users)
        response = client.post(self.url("create"), self.form_data(tree))
        assert response.status_code == 302, form_errors(response)
        (created,) = self.model.objects.exclude(pk__in=before)
        first = created.history.earliest()
        assert (first.history_type, first.history_user) == ("+", getattr(users, self.worker))

    def test_an_empty_form_explains_what_is_missing_in_chinese(self, client, users, tree):
        count = self.model.objects.count()
        self.login(client, users)
        response = client.post(self.url("create"), {})
        assert response.status_code == 200
        assert "这个字段是必填项" in response.content.decode()
        assert self.model.objects.count() == count

    def test_a_reader_cannot_create(self, client, users, tree):
        if not self.reader:
            return
        self.login(client, users, self.reader)
        assert client.get(self.url("create")).status_code == 403
        assert client.post(self.url("create"), self.form_data(tree)).status_code == 403


class EditViewTests(ViewTestCase):
    edit_changes: dict = {}  # field -> posted value; the edit test checks the field took it

    def test_an_edit_saves_the_change_with_its_history(self, client, users, tree):
        inside, _ = self.records(tree)
        versions = inside.history.count()
        self.login(client, users)
        form = client.get(self.url("edit", inside)).context["form"]
        response = client.post(self.url("edit", inside),
                               {**form_values(form), **self.edit_changes})
        assert response.status_code == 302, form_errors(response)
        inside.refresh_from_db()
        for field, value in self.edit_changes.items():
            assert str(getattr(inside, field)) == str(value)
        latest = inside.history.latest()
        assert inside.history.count() == versions + 1
        assert (latest.history_type, latest.history_user) == ("~", getattr(users, self.worker))

    def test_an_edit_out_of_scope_is_404_and_a_reader_is_refused(self, client, users, tree):
        inside, outside = self.records(tree)
        self.login(client, users)
        assert client.get(self.url("edit", outside)).status_code == 404
        assert client.post(self.url("edit", outside), self.edit_changes).status_code == 404
        if self.reader:
            self.login(client, users, self.reader)
            assert client.post(self.url("edit", inside), self.edit_changes).status_code == 403


class DeleteViewTests(ViewTestCase):
    def deletable(self, tree):
        """A record in scope that nothing else uses."""
        return getattr(tree, self.in_scope)

    def test_a_delete_asks_first_then_deletes(self, client, users, tree):
        inside = self.deletable(tree)
        self.login(client, users)
        page = client.get(self.url("delete", inside))
        assert page.status_code == 200 and "确认删除" in page.content.decode()
        assert self.model.objects.filter(pk=inside.pk).exists()
        assert client.post(self.url("delete", inside)).status_code == 302
        assert not self.model.objects.filter(pk=inside.pk).exists()
        assert inside.history.latest().history_type == "-"

    def test_a_delete_out_of_scope_is_404_and_a_reader_is_refused(self, client, users, tree):
        inside, outside = self.records(tree)
        self.login(client, users)
        assert client.post(self.url("delete", outside)).status_code == 404
        if self.reader:
            self.login(client, users, self.reader)
            assert client.post(self.url("delete", inside)).status_code == 403
        assert self.model.objects.filter(pk__in=[inside.pk, outside.pk]).count() == 2


class HistoryViewTests(ViewTestCase):
    historian = "org_dept"  # who reads change histories (the policy's HISTORY roles)

    def test_the_history_opens_in_scope_and_is_404_out_of_scope(self, client, users, tree):
        inside, outside = self.records(tree)
        self.login(client, users, self.historian)
        page = client.get(self.url("history", inside))
        assert page.status_code == 200 and page.context["entries"]
        assert client.get(self.url("history", outside)).status_code == 404

    def test_the_history_of_a_record_without_history_rows_opens(self, client, users, tree):
        inside, _ = self.records(tree)
        inside.history.all().delete()  # as for rows written before history was kept
        self.login(client, users, self.historian)
        page = client.get(self.url("history", inside))
        assert page.status_code == 200 and page.context["entries"] == []
        assert "暂无修改记录" in page.content.decode()


def csv_upload(rows: list[dict]) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("import.csv", out.getvalue().encode(), content_type="text/csv")


class ImportViewTests(ViewTestCase):
    import_kind = ""
    importer = ""  # who runs the import; the worker unless set

    def import_rows(self, tree) -> list[dict]:
        """Rows (header -> cell) of new records in the importer's scope."""
        raise NotImplementedError

    def import_row_out_of_scope(self, tree) -> dict:
        """A row the importer may not write (a record outside their scope)."""
        raise NotImplementedError

    def upload(self, client, rows):
        return client.post(reverse("import_upload", args=[self.import_kind]),
                           {"file": csv_upload(rows)})

    def test_a_web_import_previews_then_confirms(self, client, users, tree):
        rows = self.import_rows(tree)
        count = self.model.objects.count()
        self.login(client, users, self.importer)
        outcome = self.upload(client, rows).context["outcome"]
        assert outcome.ok and outcome.new == len(rows), outcome.errors
        assert self.model.objects.count() == count  # the preview writes nothing
        response = client.post(reverse("import_confirm", args=[self.import_kind]), follow=True)
        assert "导入完成" in response.content.decode()
        assert self.model.objects.count() == count + len(rows)
        last = self.model.history.order_by("-history_id").first()
        assert last.history_user == getattr(users, self.importer or self.worker)

    def test_an_import_with_a_row_out_of_scope_names_it_and_writes_nothing(
            self, client, users, tree):
        rows = [*self.import_rows(tree), self.import_row_out_of_scope(tree)]
        count = self.model.objects.count()
        self.login(client, users, self.importer)
        page = self.upload(client, rows)
        assert not page.context["outcome"].ok
        assert f"第{len(rows) + 1}行" in page.content.decode()  # the header is row 1
        client.post(reverse("import_confirm", args=[self.import_kind]))
        assert self.model.objects.count() == count


class StandardViewTests(ListViewTests, ExportViewTests, DetailViewTests, CreateViewTests,
                        EditViewTests, DeleteViewTests, HistoryViewTests):
    """Every standard page of a ledger: list, export, detail, create, edit, delete, history."""
