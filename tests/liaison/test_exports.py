"""Every spreadsheet and download goes through liaison.exports (#15: formula injection,
RFC 6266 file names; #14: sheet and file names in Chinese)."""

import csv
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse

from research.models import ResearchReport
from tests.factories import HouseholdFactory

ATTACKS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
           '=HYPERLINK("http://x","点我")']


def filename_of(response) -> str:
    header = response["Content-Disposition"]
    assert header.isascii(), header  # never an RFC 2047 encoded-word
    assert header.startswith("attachment; filename*=utf-8''"), header
    return unquote(header.split("''", 1)[1])


def xlsx_cells(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    return sheet.title, [[c.value for c in row] for row in sheet.iter_rows()], sheet


@pytest.mark.parametrize("attack", ATTACKS)
def test_typed_text_never_becomes_a_formula_in_an_xlsx_or_csv_export(client, users, tree,
                                                                       attack):
    ResearchReport.objects.filter(pk=tree.report_in.pk).update(title=attack)
    HouseholdFactory(community=tree.community_in, head_name=attack, code="HH900")
    # Households' names leave the platform in full only in an export with a reason, by the
    # community's admin (#15): that export is neutralised as well.
    reports, households = reverse("research:report_list"), reverse("household_list")
    exports = {
        reports: (users.org_dept, lambda fmt: client.get(reports, {"export": fmt})),
        households: (users.unit_admin, lambda fmt: client.post(
            f"{households}?export={fmt}&personal=1", {"reason": "核对住户名单"})),
    }
    for url, (user, export) in exports.items():
        client.force_login(user)
        _, rows, sheet = xlsx_cells(export("xlsx"))
        # A carriage return survives the XML when openpyxl writes with lxml (installed with
        # python-docx), and reads back as a newline with the standard library's writer.
        shown = {"'" + attack, "'" + attack.replace("\r", "\n")}
        cells = [c for row in sheet.iter_rows() for c in row if c.value in shown]
        assert cells and all(c.data_type == "s" for c in cells), url
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)
        text = export("csv").content.decode("utf-8-sig")
        values = [v for row in csv.reader(io.StringIO(text, newline="")) for v in row]
        assert "'" + attack in values and attack not in values, url


def test_list_exports_have_a_chinese_file_and_sheet_name(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("household_list"), {"export": "xlsx"})
    assert filename_of(response).startswith("住户") and filename_of(response).endswith(".xlsx")
    title, _, _ = xlsx_cells(response)
    assert title != "Tablib Dataset" and title.startswith("住户")


def test_an_import_template_is_named_after_its_kind(client, users, tree):
    client.force_login(users.org_dept)
    response = client.get(reverse("import_template", args=["households"]))
    assert filename_of(response) == "住户导入模板.xlsx"
    title, rows, _ = xlsx_cells(response)
    assert title == "住户导入模板" and rows[0][0] == "住户编码"


def test_the_category_export_has_the_completion_rate(client, users, tree):
    from supervision.jobs import compliance_run_create, compliance_run_execute

    run = compliance_run_create(year=2025, as_of=None, acting_user=users.org_dept)
    compliance_run_execute(run.pk)
    client.force_login(users.org_dept)
    response = client.get(reverse("supervision:dashboard"),
                          {"year": 2025, "export": "categories"})
    title, rows, _ = xlsx_cells(response)
    assert rows[0][-1] == "完成率%" and "各类干部完成情况" in filename_of(response)
