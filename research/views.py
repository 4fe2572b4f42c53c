from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from liaison.attachments import attachment_response, content_type_of
from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
)
from liaison.params import id_param
from liaison.permissions import CHANGE, VIEW, Role, can, user_roles
from research import filters, forms
from research.models import ResearchReport, ResearchTopic, ResearchTrip, TripAttachment
from research.resources import ResearchReportResource, ResearchTripResource
from research.selectors import reviewable_reports
from research.services import (
    report_review,
    report_save,
    topic_review,
    topic_save,
    trip_attachment_add,
    trip_attachment_delete,
    trip_save,
)

EVERYONE = Role.LIAISON
LOGGERS = Role.LEDGER_WRITERS
REPORT_REVIEWERS = (Role.UNIT_ADMIN, Role.ORG_DEPT)
TOPIC_REVIEWERS = (Role.ORG_DEPT,)


def _has_any(user, roles) -> bool:
    return bool(user_roles(user) & (set(roles) | {Role.SYSADMIN}))


# --- trips -----------------------------------------------------------------------------------


class TripListView(ObjectListView):
    model = ResearchTrip
    filterset_class = filters.TripFilterSet
    export_resource = ResearchTripResource
    import_kind = "research_trips"
    create_url_name = "research:trip_create"
    title = "调研台账"
    columns = (
        Column("开始日期", "start_date"),
        Column("结束日期", "end_date"),
        Column("天数", "days"),
        Column("干部", "cadre.name"),
        Column("调研主题", "title", link=True),
        Column("地点类型", "get_place_type_display"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("cadre")

    def export_queryset(self, queryset):
        return queryset.prefetch_related("trip_places__organization")


class TripDetailView(ObjectDetailView):
    model = ResearchTrip
    template_name = "research/trip_detail.html"

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, VIEW).select_related(
            "cadre", "topic", "entered_by")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trip = context["object"]
        context.update(
            places=[tp.organization for tp in
                    trip.trip_places.select_related("organization").order_by(
                        "organization__code")],
            attachments=trip.attachments.select_related("uploaded_by").order_by("uploaded_at"),
            attachment_form=forms.AttachmentForm() if context["can_edit"] else None,
        )
        return context


class TripEditView(ObjectEditView):
    model = ResearchTrip
    form_class = forms.TripForm

    def get_initial(self):
        return {"start_date": timezone.localdate(),
                "cadre": id_param(self.request.GET.get("cadre"))}

    def save_form(self, form):
        return trip_save(trip=form.save(commit=False), places=form.cleaned_data["places"],
                         acting_user=self.request.user)


class TripDeleteView(ObjectDeleteView):
    model = ResearchTrip
    success_url_name = "research:trip_list"



# --- trip attachments ------------------------------------------------------------------------


def _attachments(user, action):
    return TripAttachment.objects.filter(
        trip__in=ResearchTrip.objects.restrict(user, action)).select_related("trip")


class TripAttachmentAddView(RoleRequiredMixin, View):
    allowed_roles = LOGGERS
    model = ResearchTrip
    template_name = "research/attachment_upload.html"

    def get_trip(self):
        return get_object_or_404(ResearchTrip.objects.restrict(self.request.user, CHANGE),
                                 pk=self.kwargs["pk"])

    def render(self, form, trip):
        return TemplateResponse(self.request, self.template_name,
                                {"form": form, "object": trip, "title": f"上传附件：{trip}"})

    def get(self, request, pk):
        return self.render(forms.AttachmentForm(), self.get_trip())

    def post(self, request, pk):
        trip = self.get_trip()
        form = forms.AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                attachment = trip_attachment_add(trip=trip, upload=form.cleaned_data["file"],
                                                 acting_user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已上传附件：{attachment.original_name}")
                return redirect(trip.get_absolute_url())
        return self.render(form, trip)


class TripAttachmentDownloadView(RoleRequiredMixin, View):
    """The only way to a trip's file: the user must be able to see the trip."""

    allowed_roles = EVERYONE
    model = TripAttachment

    def get(self, request, pk):
        attachment = get_object_or_404(_attachments(request.user, VIEW), pk=pk)
        if not attachment.file or not attachment.file.storage.exists(attachment.file.name):
            raise Http404("附件文件不存在")
        return attachment_response(attachment.file, filename=attachment.original_name,
                                   content_type=attachment.content_type)


class TripAttachmentDeleteView(RoleRequiredMixin, View):
    allowed_roles = LOGGERS
    model = TripAttachment
    template_name = "research/attachment_delete.html"

    def get_attachment(self):
        return get_object_or_404(_attachments(self.request.user, CHANGE), pk=self.kwargs["pk"])

    def get(self, request, pk):
        attachment = self.get_attachment()
        return TemplateResponse(request, self.template_name,
                                {"object": attachment, "title": "删除附件"})

    def post(self, request, pk):
        attachment = self.get_attachment()
        trip = attachment.trip
        try:
            trip_attachment_delete(attachment=attachment, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已删除附件：{attachment.original_name}")
        return redirect(trip.get_absolute_url())


# --- reports ---------------------------------------------------------------------------------


class ReportListView(ObjectListView):
    model = ResearchReport
    filterset_class = filters.ReportFilterSet
    export_resource = ResearchReportResource
    import_kind = "research_reports"
    create_url_name = "research:report_create"
    title = "调研报告"
    columns = (
        Column("提交日期", "submitted_on"),
        Column("干部", "cadre.name"),
        Column("报告标题", "title", link=True),
        Column("状态", "get_status_display"),
        Column("所属课题", "topic.title"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "topic")


class ReportDetailView(ObjectDetailView):
    model = ResearchReport
    template_name = "research/report_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, user = context["object"], self.request.user
        context["can_review"] = (
            report.status == ResearchReport.Status.SUBMITTED
            and reviewable_reports(user).filter(pk=report.pk).exists()
        )
        return context


class ReportEditView(ObjectEditView):
    model = ResearchReport
    form_class = forms.ReportForm

    def save_form(self, form):
        return report_save(report=form.save(commit=False), acting_user=self.request.user)

    def get_initial(self):
        return {"cadre": id_param(self.request.GET.get("cadre")),
                "topic": id_param(self.request.GET.get("topic"))}


class ReportDeleteView(ObjectDeleteView):
    model = ResearchReport
    success_url_name = "research:report_list"



class ReportFileView(RoleRequiredMixin, View):
    """The report's file, for whoever may see the report."""

    allowed_roles = EVERYONE
    model = ResearchReport

    def get(self, request, pk):
        report = get_object_or_404(ResearchReport.objects.restrict(request.user, VIEW), pk=pk)
        if not report.file or not report.file.storage.exists(report.file.name):
            raise Http404("该报告没有上传文件")
        content_type = content_type_of(report.file.name)
        extension = report.file.name.rsplit(".", 1)[-1]
        return attachment_response(report.file, filename=f"{report.title}.{extension}",
                                   content_type=content_type)


class ReviewView(RoleRequiredMixin, View):
    """A decision on a record in the user's CHANGE scope, made by a workflow service."""

    model = None
    template_name = "research/review.html"
    choices: tuple = ()
    heading = ""

    def review(self, obj, status, comment):
        raise NotImplementedError

    def get_object(self):
        return get_object_or_404(self.model.objects.restrict(self.request.user, CHANGE),
                                 pk=self.kwargs["pk"])

    def render(self, form, obj):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "object": obj, "title": f"{self.heading}：{obj}"})

    def get(self, request, pk):
        return self.render(forms.ReviewForm(choices=self.choices), self.get_object())

    def post(self, request, pk):
        obj = self.get_object()
        form = forms.ReviewForm(request.POST, choices=self.choices)
        if form.is_valid():
            try:
                self.review(obj, form.cleaned_data["status"], form.cleaned_data["comment"])
            except ValidationError as exc:
                form.add_validation_error(exc)
            else:
                messages.success(request, f"已审阅：{obj}")
                return redirect(obj.get_absolute_url())
        return self.render(form, obj)


class ReportReviewView(ReviewView):
    # Cadres too: a unit's leaders review its cadres' reports (reviewable_reports decides).
    allowed_roles = (*REPORT_REVIEWERS, Role.CADRE)
    model = ResearchReport
    heading = "审阅调研报告"
    choices = ((ResearchReport.Status.ADOPTED, "采纳"), (ResearchReport.Status.RETURNED, "退回"))

    def get_object(self):
        return get_object_or_404(reviewable_reports(self.request.user), pk=self.kwargs["pk"])

    def review(self, obj, status, comment):
        report_review(report=obj, status=status, comment=comment, acting_user=self.request.user)


# --- topics ----------------------------------------------------------------------------------


class TopicListView(ObjectListView):
    model = ResearchTopic
    filterset_class = filters.TopicFilterSet
    create_url_name = "research:topic_create"
    title = "调研课题"
    columns = (
        Column("年度", "year"),
        Column("课题名称", "title", link=True),
        Column("课题类型", "get_kind_display"),
        Column("提出单位", "organization.name"),
        Column("状态", "get_status_display"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("organization")


class TopicDetailView(ObjectDetailView):
    model = ResearchTopic
    template_name = "research/topic_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic, user = context["object"], self.request.user
        context.update(
            trips=ResearchTrip.objects.restrict(user, VIEW).filter(topic=topic)
            .select_related("cadre"),
            reports=ResearchReport.objects.restrict(user, VIEW).filter(topic=topic)
            .select_related("cadre"),
            can_review=topic.kind == ResearchTopic.Kind.MAJOR
            and topic.status == ResearchTopic.Status.PROPOSED
            and _has_any(user, TOPIC_REVIEWERS) and can(user, CHANGE, topic),
            can_log=_has_any(user, LOGGERS),
        )
        return context


class TopicEditView(ObjectEditView):
    model = ResearchTopic
    form_class = forms.TopicForm

    def save_form(self, form):
        return topic_save(topic=form.save(commit=False), acting_user=self.request.user)


class TopicDeleteView(ObjectDeleteView):
    model = ResearchTopic
    success_url_name = "research:topic_list"



class TopicReviewView(ReviewView):
    allowed_roles = TOPIC_REVIEWERS
    model = ResearchTopic
    heading = "审定调研课题"
    choices = ((ResearchTopic.Status.APPROVED, "审定通过"),
               (ResearchTopic.Status.REJECTED, "不予通过"))

    def review(self, obj, status, comment):
        topic_review(topic=obj, status=status, comment=comment, acting_user=self.request.user)
