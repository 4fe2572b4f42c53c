"""The standard pages of visits (tests/viewtests); the three logging pages have their own
tests in test_visit_entry."""

from contactpoints.models import Visit
from tests.viewtests import (
    DeleteViewTests,
    DetailViewTests,
    EditViewTests,
    ExportViewTests,
    HistoryViewTests,
    ListViewTests,
)


class TestVisitViews(ListViewTests, ExportViewTests, DetailViewTests, EditViewTests,
                     DeleteViewTests, HistoryViewTests):
    model = Visit
    url_name = "contactpoints:visit"
    in_scope, out_of_scope = "visit_in", "visit_out"
    edit_changes = {"problems_solved": "修好了楼道灯"}
