"""The reception rota and the case ledger (spec/petitions.md), on the generic views."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from liaison.exports import attach, pdf_response
from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PageView,
    PersonalColumn,
    RoleRequiredMixin,
)
from liaison.models import Cadre
from liaison.params import month_param
from liaison.pdf import render_pdf
from liaison.permissions import CHANGE, PERSONAL_DATA, VIEW, Role, personal_data_q
from liaison.personal import (
    mask_id_number,
    mask_phone,
    personal_visible,
    shown,
    with_personal_flag,
)
from liaison.services import personal_data_access_log
from liaison.workdays import WorkingCalendar, due_mark
from petitions import filters, forms
from petitions.calendars import feed_cadre, feed_token, month_grid, reception_feed
from petitions.clocks import CLOCKS, STAGES, handling_due_at, state_at
from petitions.models import Petition, ReceptionDay
from petitions.resources import PetitionResource, ReceptionResource
from petitions.scopes import own_cases
from petitions.selectors import repeat_petitions, with_stage
from petitions.services import (
    forwarded_opinion,
    petition_opinion_forward,
    petition_save,
    reception_save,
)

CLOCK_LABELS = {"decision": "受理", "handling": "办理答复", "review": "复查", "re_review": "复核"}


class DueColumn(Column):
    def value(self, obj):
        if obj.current_due is None:
            return ""
        return f"{obj.current_due:%Y-%m-%d}（{obj.due_words}）"


class StageColumn(Column):
    def value(self, obj):
        label = STAGES.get(obj.stage, obj.stage)
        return f"{label}（集体访）" if obj.is_collective else label


class PetitionListView(ObjectListView):
    model = Petition
    filterset_class = filters.PetitionFilterSet
    export_resource = PetitionResource
    export_action = PERSONAL_DATA  # the export holds identities: the office only
    import_kind = "petitions"
    create_url_name = "petitions:petition_create"
    title = "信访事项台账"
    empty_text = "暂无信访事项"
    columns = (
        Column("信访编号", "code", link=True),
        Column("登记日期", "received_on"),
        Column("来源", "get_channel_display"),
        PersonalColumn("信访人", "petitioner_name"),
        Column("事项摘要", "summary"),
        Column("承办单位", "handling_unit.name"),
        Column("责任人", "responsible.name"),
        StageColumn("阶段", "stage"),
        DueColumn("当前期限", "current_due"),
    )

    def get_queryset(self):
        # The scope straight in the WHERE: the overdue and due-soon filters then read the
        # running cases from their index and check the scope of those alone. As a semi-join
        # of ids, the scope was worked out for every case first (N=100: the overdue count
        # checked whether each of 1,000,000 cases accused the user; bench/RESULTS.md).
        cases = with_stage(super().get_queryset(), timezone.localdate())
        return with_personal_flag(cases.select_related("handling_unit", "responsible"),
                                  Petition, self.request.user)

    def prepare_rows(self, objects):
        today, calendar = timezone.localdate(), WorkingCalendar.load()
        for case in objects:
            case.due_level, case.due_words = due_mark(case.current_due, today, calendar)
        return objects


class PetitionDetailView(ObjectDetailView):
    model = Petition
    template_name = "petitions/petition_detail.html"

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, VIEW).select_related(
            "handling_unit", "responsible", "leader", "extension_approver", "reception")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = context["object"]
        today, calendar = timezone.localdate(), WorkingCalendar.load()
        state = state_at(case, today)
        visible = personal_visible(self.request.user, case)
        if visible and case.petitioner_name:
            personal_data_access_log(user=self.request.user, action="view", model=Petition,
                                     obj=case, label=case.code)
        dues = {"decision": case.decision_due,
                "handling": handling_due_at(case, today) if case.handling_due else None,
                "review": case.review_due, "re_review": case.re_review_due}
        flags = {1: "按期", 0: "逾期", None: "进行中"}
        context.update(
            title=f"信访事项 {case.code}",
            stage=STAGES.get(state.stage, state.stage) if state else "",
            due_level=due_mark(state.due_on, today, calendar) if state else ("", ""),
            timeline=[{"label": CLOCK_LABELS[name], "due": dues[name],
                       "flag": flags[state.clocks[name]],
                       "uncovered": dues[name] is not None and not calendar.covers(dues[name])}
                      for name in CLOCKS if state and name in state.clocks],
            identity={
                "name": shown(case.petitioner_name, visible),
                "phone": shown(case.petitioner_phone, visible, mask_phone),
                "id_number": shown(case.petitioner_id_number, visible, mask_id_number),
            },
            accused_cadres=case.accused_cadres.order_by("code"),
            accused_units=case.accused_units.order_by("code"),
            repeats=repeat_petitions(case).restrict(self.request.user, VIEW)
            .order_by("-received_on")[:20],
            steps=[(step, forms.STEPS[step][0]) for step in next_steps(case)
                   if step_cases(self.request.user, step).filter(pk=case.pk).exists()],
            can_letter=bool(case.replied_on) and visible,
            opinion=forwarded_opinion(case),
        )
        return context


class PetitionEditView(ObjectEditView):
    model = Petition
    form_class = forms.PetitionForm

    def get_initial(self):
        return {"received_on": timezone.localdate(), "people": 1}

    def describe(self, instance) -> str:
        return instance.code  # never the petitioner's name in a message

    def save_form(self, form):
        return petition_save(case=form.save(commit=False), acting_user=self.request.user,
                             accused_cadres=form.cleaned_data["accused_cadres"],
                             accused_units=form.cleaned_data["accused_units"])


class PetitionDeleteView(ObjectDeleteView):
    model = Petition
    success_url_name = "petitions:petition_list"

    def describe(self, obj) -> str:
        return obj.code


class ReceptionListView(ObjectListView):
    model = ReceptionDay
    export_resource = ReceptionResource
    import_kind = "receptions"
    create_url_name = "petitions:reception_create"
    title = "接访日安排"
    empty_text = "暂无接访日安排"
    columns = (
        Column("接待日期", "date", link=True),
        Column("接待领导（A角）", "host.name"),
        Column("B角", "substitute.name"),
        Column("实际接待人", "received_by.name"),
        Column("接待方式", "get_mode_display"),
        Column("地点", "place"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("host", "substitute", "received_by")


class ReceptionDetailView(ObjectDetailView):
    model = ReceptionDay
    template_name = "petitions/reception_detail.html"


class ReceptionEditView(ObjectEditView):
    model = ReceptionDay
    form_class = forms.ReceptionForm

    def save_form(self, form):
        return reception_save(reception=form.save(commit=False), acting_user=self.request.user)


class ReceptionDeleteView(ObjectDeleteView):
    model = ReceptionDay
    success_url_name = "petitions:reception_list"


# --- the steps of a case, and its reply letter ----------------------------------------------

# Steps the responsible person may take on their own case; the others are the office's.
RESPONSIBLE_STEPS = ("reply", "satisfaction")


def next_steps(case: Petition) -> list[str]:
    """The steps open to the case now (spec/petitions.md §3 order)."""
    D = Petition.Decision
    if not case.decision:
        return ["decide"]
    if case.decision != D.ACCEPTED:
        return []
    if not case.replied_on:
        return ["reply"] + ([] if case.extension_days else ["extend"])
    steps = [] if case.satisfaction else ["satisfaction"]
    if not case.review_requested_on or not case.review_decided_on:
        return [*steps, "review"]
    if not case.re_review_decided_on:
        return [*steps, "re_review"]
    return steps


def step_cases(user, step: str):
    """Cases on which `user` may take `step`: the office's within its scope; the reply and
    the satisfaction also the responsible person's and the leader's own cases."""
    if step in RESPONSIBLE_STEPS:
        return Petition.objects.restrict(user, VIEW).filter(
            Q(pk__in=Petition.objects.restrict(user, CHANGE).values("pk")) | own_cases(user))
    return Petition.objects.restrict(user, CHANGE)


class PetitionStepView(RoleRequiredMixin, View):
    allowed_roles = (Role.PETITIONS, Role.CADRE)
    model = Petition
    template_name = "generic/object_edit.html"

    def setup_step(self, request, pk, step):
        if step not in forms.STEPS:
            raise Http404
        case = get_object_or_404(step_cases(request.user, step), pk=pk)
        if step not in next_steps(case):
            # A step done is changed by the office on the case's own form, not re-taken.
            raise PermissionDenied(f"该信访事项当前不能登记{forms.STEPS[step][0]}")
        return case, forms.step_form_class(step)

    def render(self, case, step, form):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "object": case,
            "title": f"{forms.STEPS[step][0]}：信访事项 {case.code}"})

    def get(self, request, pk, step):
        case, form_class = self.setup_step(request, pk, step)
        initial = {f: timezone.localdate() for f in ("decided_on", "extension_granted_on",
                                                      "replied_on", "satisfaction_on")
                   if getattr(case, f) is None}
        return self.render(case, step, form_class(instance=case, user=request.user,
                                                  step=step, initial=initial))

    def post(self, request, pk, step):
        case, form_class = self.setup_step(request, pk, step)
        form = form_class(request.POST, instance=case, user=request.user, step=step)
        if form.is_valid():
            try:
                petition_save(case=form.save(commit=False), acting_user=request.user)
            except ValidationError as exc:
                form.add_validation_error(exc)
            else:
                messages.success(request, f"已登记{forms.STEPS[step][0]}：{case.code}")
                return redirect(case.get_absolute_url())
        return self.render(case, step, form)


class PetitionLetterView(RoleRequiredMixin, View):
    """办理意见书: the reply letter of an answered case, as a PDF with the district's header.
    It names the petitioner, so only who sees identities may produce it, and it is logged."""

    allowed_roles = (Role.PETITIONS, Role.CADRE)
    model = Petition

    def get(self, request, pk):
        case = get_object_or_404(
            Petition.objects.restrict(request.user, VIEW).filter(
                personal_data_q(Petition, request.user)).select_related(
                "handling_unit", "responsible"), pk=pk, replied_on__isnull=False)
        personal_data_access_log(user=request.user, action="export", model=Petition,
                                 obj=case, label=f"{case.code} 办理意见书")
        pdf = render_pdf("petitions/pdf/letter.html", {"case": case, "title": "信访事项办理意见书"},
                         user=request.user)
        return pdf_response(pdf, f"办理意见书-{case.code}")


class ReceptionCalendarView(PageView):
    """The rota as a month calendar (A角, B角, who received, mode, place)."""

    allowed_roles = Role.ALL
    template_name = "petitions/reception_calendar.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        month = month_param(self.request.GET.get("month")) or today.replace(day=1)
        last = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        days = ReceptionDay.objects.restrict(self.request.user, VIEW).filter(
            date__range=(month, last)).select_related("host", "substitute", "received_by")
        previous = (month - dt.timedelta(days=1)).replace(day=1)
        return super().get_context_data(
            month=month, weeks=month_grid(month.year, month.month, days), today=today,
            previous=previous, next=last + dt.timedelta(days=1),
            title=f"接访日历 {month:%Y年%-m月}", **kwargs)


class ReceptionFeedLinkView(RoleRequiredMixin, View):
    """The leader's own feed URL, to subscribe to in a calendar app."""

    allowed_roles = (Role.CADRE,)

    def get(self, request):
        cadre = get_object_or_404(Cadre, user=request.user)
        url = request.build_absolute_uri(reverse("petitions:reception_feed",
                                                 args=[feed_token(cadre.pk)]))
        return TemplateResponse(request, "petitions/reception_feed_link.html",
                                {"url": url, "title": "订阅我的接访日"})


@method_decorator(login_not_required, name="dispatch")
class ReceptionFeedView(View):
    """A leader's reception days as an .ics feed: the signed URL is the key."""

    def get(self, request, token):
        cadre_id = feed_cadre(token)
        if cadre_id is None or not Cadre.objects.filter(pk=cadre_id).exists():
            raise Http404
        body = reception_feed(cadre_id, settings.DISTRICT_NAME, timezone.now())
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        return attach(response, "接访日.ics")


class PetitionOpinionForwardView(RoleRequiredMixin, View):
    """转入群众意见: what a case raises joins the opinions ledger (analysis, feedback)."""

    allowed_roles = (Role.PETITIONS,)
    model = Petition

    def post(self, request, pk):
        case = get_object_or_404(Petition.objects.restrict(request.user, CHANGE), pk=pk)
        opinion = petition_opinion_forward(case=case, acting_user=request.user)
        messages.success(request, f"已转入群众意见：{opinion.code}（承办单位 "
                                  f"{opinion.handling_unit.name}）")
        return redirect(case.get_absolute_url())
