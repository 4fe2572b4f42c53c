"""Talk pages on the generic views. The content (summary, opinions raised) is shown only
where talks.scopes allows it; elsewhere a talk shows that it took place."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from liaison.forms import household_label
from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
)
from liaison.models import Cadre, Household
from liaison.permissions import CHANGE, Role, can
from liaison.personal import personal_data_q, personal_visible, with_personal_flag
from talks import filters, forms
from talks.models import Talk
from talks.resources import TalkResource
from talks.services import talk_opinion_forward, talk_opinions, talk_save

HIDDEN = "（谈话内容仅发起人、参与干部、组织部和纪检监察可见）"


class ContentColumn(Column):
    def value(self, obj):
        return super().value(obj) if obj.personal_visible else "—"


class PeopleColumn(Column):
    def value(self, obj):
        return "、".join(c.name for c in obj.cadres.all())


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
        Prefetch("households", Household.objects.order_by("code")))


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
        context.update(content_visible=visible, hidden_text=HIDDEN,
                       cadres=talk.cadres.order_by("code"),
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
