"""The import preview says what an updated row changes: each changed cell as 旧值 → 新值;
unchanged rows and unchanged cells stay quiet; new rows as before (#14)."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contactpoints.resources import VisitResource
from liaison import imports
from liaison.imports import import_file
from liaison.models import Household
from talks.resources import TalkResource
from tests.factories import HouseholdFactory

HOUSEHOLDS = "住户编码,户主姓名,社区编码,地址,贫困户\n"


def preview(client, kind: str, text: str):
    upload = SimpleUploadedFile("f.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("import_upload", args=[kind]), {"file": upload})


def row_html(html: str, number: int) -> str:
    """The preview table's row for line `number` of the file."""
    match = re.search(rf'<tr>\s*<td data-label="行号">{number}</td>.*?</tr>', html, re.S)
    assert match, f"row {number} not in the preview"
    return match.group(0)


def test_the_preview_shows_the_old_and_the_new_value_of_a_changed_cell(client, users, tree):
    tree.household_in.address = "东城路1号"
    tree.household_in.save()
    same = HouseholdFactory(code="HH300", head_name="周大爷", community=tree.community_in,
                            address="东城路3号", is_poor=False)
    head = tree.household_in.head_name
    client.force_login(users.unit_admin)
    response = preview(client, "households", HOUSEHOLDS
                       + f"HH001,{head},SQ0101,东城路2号,是\n"
                       + f"HH300,{same.head_name},SQ0101,东城路3号,否\n"
                       + "HH301,孙大娘,SQ0101,东城路5号,否\n")
    outcome = response.context["outcome"]
    assert outcome.ok, outcome.errors
    assert (outcome.new, outcome.updated, outcome.unchanged) == (1, 1, 1)
    html = response.content.decode()
    assert "变更内容（旧值 → 新值）" in html

    updated = row_html(html, 2)
    assert "更新" in updated
    # The old address as the importer may see it (masked, #15); the new one is their file's.
    assert ('地址：</span><del class="import-old">东城路***</del> → '
            '<ins class="import-new">东城路2号</ins>') in updated
    assert "东城路1号" not in html
    assert "户主姓名" not in updated and "贫困户" not in updated  # unchanged cells are quiet
    unchanged = row_html(html, 3)
    assert "不变" in unchanged and "import-old" not in unchanged and "→" not in unchanged
    new = row_html(html, 4)
    assert "新增" in new and "import-old" not in new

    # A preview writes nothing; the confirmation writes the new value.
    assert Household.objects.get(code="HH001").address == "东城路1号"
    client.post(reverse("import_confirm", args=["households"]))
    assert Household.objects.get(code="HH001").address == "东城路2号"


def test_an_emptied_cell_shows_as_empty(client, users, tree):
    tree.household_in.address = "东城路1号"
    tree.household_in.save()
    client.force_login(users.unit_admin)
    response = preview(client, "households", HOUSEHOLDS
                       + f"HH001,{tree.household_in.head_name},SQ0101,,否\n")
    row = row_html(response.content.decode(), 2)
    assert '<del class="import-old">东城路***</del> → <ins class="import-new">（空）</ins>' in row
    assert '<del class="import-old">是</del> → <ins class="import-new">否</ins>' in row


def test_a_changed_code_list_is_shown_too(roster):
    header = "谈话编号,日期,发起人编码,类型,形式,参与干部编码,参与住户编码,内容摘要\n"
    first = import_file(kind="talks", filename="t.csv", content=(
        header + "TH1,2025-03-12,GB004,党组织负责人与党员谈心,集体座谈,GB007;GB008,,座谈\n")
        .encode())
    assert first.ok, first.errors
    again = import_file(kind="talks", filename="t.csv", dry_run=True, content=(
        header + "TH1,2025-03-12,GB004,党组织负责人与党员谈心,集体座谈,GB007,,座谈\n").encode())
    assert again.ok and again.updated == 1
    assert again.rows[0].changes == [("参与干部编码", "GB007;GB008", "GB007")]


def test_the_bulk_visits_import_compares_no_code_lists():
    """Its contact and target (read by a query per row) are its natural key: not compared."""
    columns = [f.column_name for f in VisitResource().diff_fields()]
    assert columns == ["联系类型", "开始日期", "结束日期"]
    talk_columns = [f.column_name for f in TalkResource().diff_fields()]
    assert "参与干部编码" in talk_columns and "参与住户编码" in talk_columns


def test_a_changed_visit_shows_its_new_end_date(users, tree):
    header = "联系类型,联系人编码,联系对象编码,开始日期,结束日期\n"
    outcome = import_file(kind="visits", filename="v.csv", dry_run=True, content=(
        header + "入户走访,GB001,HH001,2025-05-06,2025-05-07\n").encode())
    assert outcome.ok, outcome.errors
    assert outcome.updated == 1
    assert outcome.rows[0].changes == [("结束日期", "2025-05-06", "2025-05-07")]


def test_the_preview_lists_a_files_first_rows_however_each_went(monkeypatch, tree):
    # Rows counted unchanged without import-export and rows imported are listed together, in
    # the file's order, up to the preview's limit: here the limit falls inside the second
    # chunk, between a new row and an unchanged one.
    monkeypatch.setattr(imports, "CHUNK_ROWS", 3)
    monkeypatch.setattr(imports, "PREVIEW_ROWS_MAX", 4)
    same = HouseholdFactory(code="HH300", head_name="周大爷", community=tree.community_in,
                            address="东城路3号", is_poor=False)
    new = "".join(f"HH30{n},孙大娘{n},SQ0101,东城路5号,否\n" for n in range(1, 5))
    outcome = import_file(kind="households", filename="h.csv", dry_run=True, content=(
        HOUSEHOLDS + new + f"HH300,{same.head_name},SQ0101,东城路3号,否\n").encode())
    assert outcome.ok, outcome.errors
    assert (outcome.new, outcome.unchanged) == (4, 1)
    assert [(row.number, row.label) for row in outcome.rows] == [
        (2, "新增"), (3, "新增"), (4, "新增"), (5, "新增")]
