"""The standard pages of visits (tests/viewtests); the three logging pages have their own
tests in test_visit_entry."""

from contactpoints.models import Visit
from tests.viewtests import (
    DeleteViewTests,
    DetailViewTests,
    EditViewTests,
    ExportViewTests,
    HistoryViewTests,
    ImportViewTests,
    ListViewTests,
)


class TestVisitViews(ListViewTests, ExportViewTests, DetailViewTests, EditViewTests,
                     DeleteViewTests, HistoryViewTests, ImportViewTests):
    model = Visit
    url_name = "contactpoints:visit"
    in_scope, out_of_scope = "visit_in", "visit_out"
    edit_changes = {"problems_solved": "修好了楼道灯"}
    import_kind = "visits"
    importer = "org_dept"

    def import_rows(self, tree):
        return [{"联系类型": "入户走访", "联系人编码": "GB001", "联系对象编码": "HH001",
                 "开始日期": day, "结束日期": ""} for day in ("2025-02-03", "2025-02-10")]

    def import_row_out_of_scope(self, tree):
        return {"联系类型": "入户走访", "联系人编码": "GB002", "联系对象编码": "HH002",
                "开始日期": "2025-02-03", "结束日期": ""}
