"""The standard pages of research trips, reports and topics (tests/viewtests)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from research.models import ResearchReport, ResearchTopic, ResearchTrip
from tests.liaison.test_attachments import docx_bytes
from tests.research.test_reports import report_data
from tests.research.test_topics import topic_data
from tests.research.test_trips import trip_data
from tests.viewtests import (
    CreateViewTests,
    DeleteViewTests,
    DetailViewTests,
    EditViewTests,
    HistoryViewTests,
    ImportViewTests,
    ListViewTests,
    StandardViewTests,
)


class TestTripViews(StandardViewTests, ImportViewTests):
    model = ResearchTrip
    url_name = "research:trip"
    in_scope, out_of_scope = "trip_in", "trip_out"
    edit_changes = {"title": "社区养老服务调研"}
    import_kind = "research_trips"
    importer = "org_dept"

    def import_rows(self, tree):
        return [{"干部编码": "GB001", "开始日期": "2025-03-02", "结束日期": "2025-03-03",
                 "调研地点编码": "SQ0101", "调研主题": "垃圾分类调研", "地点类型": "居民院落"}]

    def import_row_out_of_scope(self, tree):
        return {"干部编码": "GB002", "开始日期": "2025-03-02", "结束日期": "",
                "调研地点编码": "SQ0201", "调研主题": "垃圾分类调研", "地点类型": ""}

    def form_data(self, tree):
        return trip_data(tree)


class TestReportViews(StandardViewTests, ImportViewTests):
    model = ResearchReport
    url_name = "research:report"
    in_scope, out_of_scope = "report_in", "report_out"
    edit_changes = {"title": "关于老旧小区的调研报告"}
    import_kind = "research_reports"
    importer = "org_dept"

    def import_rows(self, tree):
        return [{"干部编码": "GB001", "报告标题": "垃圾分类调研报告", "提交日期": "2025-04-01",
                 "状态": "已提交"}]

    def import_row_out_of_scope(self, tree):
        return {"干部编码": "GB002", "报告标题": "垃圾分类调研报告", "提交日期": "2025-04-01",
                "状态": ""}

    def form_data(self, tree):
        return report_data(tree, file=SimpleUploadedFile("养老.docx", docx_bytes()))


class TestTopicViews(ListViewTests, DetailViewTests, CreateViewTests, EditViewTests,
                     DeleteViewTests, HistoryViewTests):
    model = ResearchTopic
    url_name = "research:topic"
    in_scope, out_of_scope = "topic_in", "topic_out"
    edit_changes = {"description": "区委常委牵头，年底前形成报告"}

    def form_data(self, tree):
        return topic_data(tree)

    def deletable(self, tree):
        return ResearchTopic.objects.create(year=2025, title="待删课题", kind="own",
                                            organization=tree.community_in)
