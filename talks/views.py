"""Talk pages on the generic views. The content (summary, opinions raised) is shown only
where talks.scopes allows it; elsewhere a talk shows that it took place."""

from __future__ import annotations

import datetime as dt

import tablib
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views import View

from liaison.compliance.engine import Context, Window
from liaison.exports import spreadsheet_response
from liaison.forms import household_label
from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PageView,
    RoleRequiredMixin,
    safe_next_url,
)
from liaison.models import Cadre, Household, Organization
from liaison.params import year_param
from liaison.permissions import CHANGE, VIEW, Role, can
from liaison.personal import personal_data_q, personal_visible, with_personal_flag
from talks import filters, forms
from talks.metrics import MEMBER_TALKS_TARGET
from talks.models import Talk
from talks.resources import TalkResource
from talks.selectors import members_progress, secretaries_progress, team_matrix, team_rows
from talks.services import talk_confirm, talk_opinion_forward, talk_opinions, talk_save

HIDDEN = "（谈话内容仅发起人、参与干部、组织部和纪检监察可见）"


class ContentColumn(Column):
    def value(self, obj):
        return super().value(obj) if obj.personal_visible else "—"


class PeopleColumn(Column):
    def value(self, obj):
        return "、".join(c.name for c in obj.cadres.all())


class ConfirmedColumn(Column):
    def value(self, obj):
        cadres = obj.cadres.all()
        if not cadres:
            return ""
        waiting = {c.pk for c in cadres} - {c.cadre_id for c in obj.confirmations.all()}
        return f"待确认 {len(waiting)} 人" if waiting else "已确认"


class HouseholdCountColumn(Column):
    def value(self, obj):
        n = len(obj.households.all())
        return f"{n} 户" if n else ""


class ContentResource(TalkResource):
    """The export: the content only on the rows the user may read."""

    def dehydrate_summary(self, talk):
        return talk.summary if getattr(talk, "personal_visible", False) else HIDDEN


def with_people(talks):
    return talks.select_related("initiator").prefetch_related(
        Prefetch("cadres", Cadre.objects.order_by("code")),
        Prefetch("households", Household.objects.order_by("code")), "confirmations")


class TalkListView(ObjectListView):
    model = Talk
    filterset_class = filters.TalkFilterSet
    export_resource = ContentResource
    import_kind = "talks"
    create_url_name = "talks:talk_create"
    title = "谈心谈话"
    empty_text = "暂无谈心谈话记录"
    columns = (
        Column("日期", "date", link=True),
        Column("发起人", "initiator.name"),
        Column("类型", "get_type_display"),
        Column("形式", "get_form_display"),
        PeopleColumn("参与干部", "cadres"),
        HouseholdCountColumn("参与住户", "households"),
        ConfirmedColumn("参与干部确认", "confirmations"),
        ContentColumn("内容摘要", "summary"),
    )

    def get_queryset(self):
        return with_personal_flag(with_people(super().get_queryset()), Talk,
                                  self.request.user)


class TalkDetailView(ObjectDetailView):
    model = Talk
    template_name = "talks/talk_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        talk = context["object"]
        visible = personal_visible(self.request.user, talk)
        households = with_personal_flag(talk.households.select_related("community")
                                        .order_by("code"), Household, self.request.user)
        confirmed = set(talk.confirmations.values_list("cadre_id", flat=True))
        cadres = list(talk.cadres.order_by("code"))
        context.update(content_visible=visible, hidden_text=HIDDEN,
                       cadres=[(c, c.pk in confirmed) for c in cadres],
                       can_confirm=any(c.user_id == self.request.user.pk and c.pk not in confirmed
                                       for c in cadres),
                       households=[household_label(h) for h in households],
                       opinions=talk_opinions(talk) if visible else [],
                       can_forward=visible and can(self.request.user, CHANGE, talk))
        return context


class TalkEditView(ObjectEditView):
    model = Talk
    form_class = forms.TalkForm

    def describe(self, instance) -> str:
        return f"{instance.date:%Y-%m-%d} {instance.get_type_display()}"

    def save_form(self, form):
        return talk_save(talk=form.save(commit=False), acting_user=self.request.user,
                         cadres=form.cleaned_data["cadres"],
                         households=form.cleaned_data["households"])


class TalkDeleteView(ObjectDeleteView):
    model = Talk
    success_url_name = "talks:talk_list"


class TalkOpinionForwardView(RoleRequiredMixin, View):
    """转入群众意见: one opinion raised in a talk goes to the opinions system in one step."""

    # Who keeps talks and may read their content: the cadre in the talk, 组织部 (a unit
    # admin keeps the record without reading it).
    allowed_roles = (Role.CADRE, Role.ORG_DEPT)
    model = Talk

    def post(self, request, pk: int, number: int):
        # Who keeps the talk and may read its content.
        talks = Talk.objects.restrict(request.user, CHANGE).filter(personal_data_q(
            Talk, request.user))
        talk = get_object_or_404(talks, pk=pk)
        try:
            opinion = talk_opinion_forward(talk=talk, number=number, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已转入群众意见：{opinion.code}（承办单位 "
                                      f"{opinion.handling_unit.name}）")
        return redirect(talk.get_absolute_url())


class TalkConfirmView(RoleRequiredMixin, View):
    """确认: a participating cadre confirms the talk in one tap (from the workbench)."""

    allowed_roles = (Role.CADRE,)
    model = Talk

    def post(self, request, pk: int):
        talk = get_object_or_404(Talk.objects.filter(cadres__user=request.user), pk=pk)
        cadre = talk.cadres.get(user=request.user)
        talk_confirm(talk=talk, cadre=cadre, acting_user=request.user)
        messages.success(request, f"已确认：{talk.date:%Y-%m-%d} {talk.initiator.name}发起的谈话")
        return redirect(safe_next_url(request) or talk.get_absolute_url())


def year_and_as_of(request) -> tuple[int, dt.date]:
    today = timezone.localdate()
    year = year_param(request.GET.get("year"), today.year)
    return year, min(today, dt.date(year, 12, 31))


class SecretaryListView(PageView):
    """党组织负责人与党员谈心: every secretary in scope, with how many of their members had
    two talks with them this year (member_talks), those with the most left to do first."""

    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)
    template_name = "talks/secretary_list.html"
    title = "党组织负责人与党员谈心"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("export"):
            sheet = tablib.Dataset(headers=["干部编码", "姓名", "党员人数", "已谈心（至少一次）",
                                            f"已谈满 {MEMBER_TALKS_TARGET} 次", "尚差"])
            for row in context["all_rows"]:
                sheet.append([row["secretary"].code, row["secretary"].name, row["members"],
                              row["started"], row["reached"], row["short"]])
            return spreadsheet_response(sheet, "xlsx", f"{context['year']}年党组织负责人谈心进度")
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        year, as_of = year_and_as_of(self.request)
        cadres = Cadre.objects.restrict(self.request.user, VIEW)
        query = self.request.GET.get("q", "").strip()
        if query:
            cadres = cadres.filter(Q(name__contains=query) | Q(code__icontains=query))
        rows = secretaries_progress(cadres, year, as_of)
        if self.request.GET.get("short") == "1":
            rows = [row for row in rows if row["short"]]
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            year=year, as_of=as_of, query=query, short=self.request.GET.get("short") == "1",
            page=Paginator(rows, self.paginate_by).get_page(self.request.GET.get("page")),
            all_rows=rows, querystring=params.urlencode(), target=MEMBER_TALKS_TARGET,
            **kwargs)


class SecretaryDetailView(PageView):
    """One secretary's members with their talks this year (the workbench panel's list)."""

    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)
    model = Cadre  # the page's object
    template_name = "talks/secretary_detail.html"

    def get_context_data(self, **kwargs):
        secretary = get_object_or_404(Cadre.objects.restrict(self.request.user, VIEW),
                                      pk=self.kwargs["pk"])
        year, as_of = year_and_as_of(self.request)
        return super().get_context_data(
            secretary=secretary, year=year, as_of=as_of,
            members=members_progress(secretary, year, as_of),
            title=f"{secretary.name}与党员谈心（{year}年）", **kwargs)


class TeamListView(PageView):
    """The leadership teams in the user's scope and their pairs met before the democratic
    life meeting (民主生活会前谈心, pairwise_talks)."""

    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)
    template_name = "talks/team_list.html"
    title = "班子成员两两谈心"

    def get_context_data(self, **kwargs):
        year, as_of = year_and_as_of(self.request)
        ctx = Context(Window.for_year(year, as_of))
        organizations = Organization.objects.restrict(self.request.user, VIEW)
        return super().get_context_data(year=year, as_of=as_of,
                                        teams=team_rows(ctx, organizations), **kwargs)


class TeamMatrixView(PageView):
    """One team's pairwise grid: who has met whom before the democratic life meeting."""

    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)
    model = Organization  # the page's object
    template_name = "talks/team_matrix.html"

    def get_context_data(self, **kwargs):
        organization = get_object_or_404(
            Organization.objects.restrict(self.request.user, VIEW), pk=self.kwargs["pk"])
        year, as_of = year_and_as_of(self.request)
        return super().get_context_data(
            organization=organization, year=year, as_of=as_of,
            title=f"{organization.name}班子成员两两谈心（{year}年）",
            **team_matrix(organization, year, as_of), **kwargs)
