"""Opinion and analysis pages on the generic views."""

from __future__ import annotations

from django.utils import timezone

from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PersonalColumn,
)
from liaison.personal import mask_text, with_personal_flag
from liaison.workdays import WorkingCalendar, due_mark
from opinions import filters, forms
from opinions.models import Opinion, OpinionAnalysis
from opinions.resources import OpinionAnalysisResource, OpinionResource
from opinions.services import opinion_save


class FeedbackColumn(Column):
    """The feedback date, or the due date with its green / amber / red words while open."""

    def value(self, obj):
        if obj.feedback_on:
            late = obj.feedback_due and obj.feedback_on > obj.feedback_due
            return f"{obj.feedback_on:%Y-%m-%d}{'（逾期）' if late else ''}"
        return f"期限 {obj.feedback_due:%Y-%m-%d}（{obj.due_words}）" if obj.feedback_due else ""


def mark_dues(opinions) -> list:
    today, calendar = timezone.localdate(), WorkingCalendar.load()
    for opinion in opinions:
        due = opinion.feedback_due if not opinion.feedback_on else None
        opinion.due_level, opinion.due_words = due_mark(due, today, calendar)
    return opinions


class OpinionListView(ObjectListView):
    model = Opinion
    filterset_class = filters.OpinionFilterSet
    export_resource = OpinionResource
    import_kind = "opinions"
    create_url_name = "opinions:opinion_create"
    title = "群众意见"
    empty_text = "暂无群众意见"
    columns = (
        Column("意见编号", "code", link=True),
        Column("收到日期", "received_on"),
        Column("渠道", "get_channel_display"),
        Column("内容", "content"),
        Column("承办单位", "handling_unit.name"),
        Column("处理结果", "get_result_display"),
        FeedbackColumn("反馈", "feedback_on"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("handling_unit")

    def prepare_rows(self, objects):
        return mark_dues(objects)


class OpinionDetailView(ObjectDetailView):
    model = Opinion
    url_base = "opinions:opinion"
    fields = (
        Column("意见编号", "code"), Column("收到日期", "received_on"),
        Column("渠道", "get_channel_display"), Column("收集单位", "collecting_unit.name"),
        Column("承办单位", "handling_unit.name"), Column("内容", "content"),
        Column("类别", "category"),
        PersonalColumn("提交人联系方式", "submitter_contact", mask=mask_text),
        Column("处理结果", "get_result_display"), Column("处理说明", "explanation"),
        FeedbackColumn("反馈", "feedback_on"), Column("公开", "published"),
        Column("来源记录", "source"),
    )

    def get_object(self):
        opinion = with_personal_flag(Opinion.objects.filter(pk=super().get_object().pk),
                                     Opinion, self.request.user).get()
        return mark_dues([opinion])[0]


class OpinionEditView(ObjectEditView):
    model = Opinion
    form_class = forms.OpinionForm

    def get_initial(self):
        return {"received_on": timezone.localdate()}

    def describe(self, instance) -> str:
        return instance.code

    def save_form(self, form):
        return opinion_save(opinion=form.save(commit=False), acting_user=self.request.user)


class OpinionDeleteView(ObjectDeleteView):
    model = Opinion
    success_url_name = "opinions:opinion_list"

    def describe(self, obj) -> str:
        return obj.code


class AnalysisListView(ObjectListView):
    model = OpinionAnalysis
    filterset_class = filters.AnalysisFilterSet
    export_resource = OpinionAnalysisResource
    import_kind = "opinion_analyses"
    create_url_name = "opinions:analysis_create"
    title = "意见分析研判"
    empty_text = "暂无分析研判"
    columns = (Column("日期", "date", link=True), Column("单位", "unit.name"),
               Column("标题", "title"))

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class AnalysisDetailView(ObjectDetailView):
    model = OpinionAnalysis
    url_base = "opinions:analysis"
    fields = (Column("单位", "unit.name"), Column("日期", "date"), Column("标题", "title"),
              Column("分析内容", "content"))


class AnalysisEditView(ObjectEditView):
    model = OpinionAnalysis
    form_class = forms.AnalysisForm

    def get_initial(self):
        return {"date": timezone.localdate()}


class AnalysisDeleteView(ObjectDeleteView):
    model = OpinionAnalysis
    success_url_name = "opinions:analysis_list"
