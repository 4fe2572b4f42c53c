from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views import View

from contactpoints import filters, forms
from contactpoints.models import Visit
from contactpoints.resources import VisitResource
from contactpoints.services import household_visits_create, visit_save
from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
    safe_next_url,
)
from liaison.idempotency import (
    repeated_submission_response,
    submission_claim,
    submission_done,
    submission_release,
)
from liaison.models import Household
from liaison.params import id_param
from liaison.permissions import CHANGE, VIEW, Role, can, user_roles
from liaison.personal import may_reveal, personal_visible, with_personal_flag

LOGGERS = Role.LEDGER_WRITERS
UNIT_LOGGERS = (Role.UNIT_ADMIN, Role.ORG_DEPT)


def visit_label(visit: Visit, *, names_visible: bool) -> str:
    """The visit without a household head's name unless the user may see it."""
    return (f"{visit.get_kind_display()} {visit.contact} → "
            f"{visit.target_label(names_visible=names_visible)} {visit.start_date:%Y-%m-%d}")


def names_visible(user, visit: Visit) -> bool:
    if visit.kind != Visit.Kind.HOUSEHOLD or not visit.target_household_id:
        return True
    return personal_visible(user, visit.target_household)


class TargetColumn(Column):
    """联系对象, with household heads' names masked where the user may not see them."""

    def value(self, obj):
        return obj.target_label(names_visible=getattr(obj, "personal_visible", False))


class VisitListView(ObjectListView):
    model = Visit
    filterset_class = filters.VisitFilterSet
    export_resource = VisitResource
    title = "走访台账"
    template_name = "contactpoints/visit_list.html"
    columns = (
        Column("开始日期", "start_date", link=True),
        Column("结束日期", "end_date"),
        Column("联系类型", "get_kind_display", link=True),
        Column("联系人", "contact"),
        TargetColumn("联系对象", "target"),
    )

    import_kind = "visits"

    def get_queryset(self):
        queryset = super().get_queryset().select_related(
            "cadre", "unit", "target_org", "target_household")
        return with_personal_flag(queryset, Household, self.request.user,
                                  through="target_household")

    def get_extra_context(self) -> dict:
        roles = user_roles(self.request.user)
        return {"can_log": bool(roles & (set(LOGGERS) | {Role.SYSADMIN})),
                "can_log_unit": bool(roles & (set(UNIT_LOGGERS) | {Role.SYSADMIN}))}


class VisitDetailView(ObjectDetailView):
    model = Visit
    template_name = "contactpoints/visit_detail.html"

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, VIEW).select_related(
            "cadre", "unit", "target_org", "target_household__community", "entered_by")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit, user = context["object"], self.request.user
        visible = names_visible(user, visit)
        household = visit.target_household if visit.target_household_id else None
        context.update(
            title=visit_label(visit, names_visible=visible),
            show_household_details=visible,
            # Who may reveal the household (its linked cadre, its community's admin) gets a
            # link to its page, where one logged click shows the name, address and phone.
            household_url=household.get_absolute_url()
            if household is not None and may_reveal(user, household) else "",
            participants=visit.participants.order_by("code"),
        )
        return context


class VisitEditView(ObjectEditView):
    """Edit any visit (the form follows its kind) or log a 领导联系点 / 单位联系社区 visit."""

    model = Visit
    kind = ""  # set for the create pages

    def get_object(self):
        if "pk" not in self.kwargs:
            return Visit(kind=self.kind)
        return super().get_object()

    def get_form(self, obj, data=None):
        form_class = forms.FORMS_BY_KIND[obj.kind]
        initial = None
        if not obj.pk:
            initial = {"cadre": id_param(self.request.GET.get("cadre")),
                       "unit": id_param(self.request.GET.get("unit"))}
        return form_class(data, instance=obj, user=self.request.user, initial=initial)

    def render(self, form, obj):
        response = super().render(form, obj)
        if not obj.pk:
            response.context_data["title"] = f"登记{obj.get_kind_display()}走访"
        return response

    def save_form(self, form):
        participants = form.cleaned_data.get("participants") if "participants" in form.fields \
            else None
        return visit_save(visit=form.save(commit=False), acting_user=self.request.user,
                          participants=participants)

    def describe(self, instance) -> str:
        return visit_label(instance, names_visible=names_visible(self.request.user, instance))


class LeaderPointVisitCreateView(VisitEditView):
    kind = Visit.Kind.LEADER_POINT


class UnitVisitCreateView(VisitEditView):
    allowed_roles = UNIT_LOGGERS
    kind = Visit.Kind.UNIT_COMMUNITY


class HouseholdVisitsCreateView(RoleRequiredMixin, View):
    """入户走访: one entry, several households, one visit each (household_visits_create)."""

    allowed_roles = LOGGERS
    model = Visit
    template_name = "generic/object_edit.html"

    def get_form(self, data=None):
        initial = {"cadre": id_param(self.request.GET.get("cadre"))}
        return forms.HouseholdVisitsForm(data, instance=Visit(kind=Visit.Kind.HOUSEHOLD),
                                         user=self.request.user, initial=initial)

    def render(self, form):
        return TemplateResponse(self.request, self.template_name,
                                {"form": form, "object": form.instance, "title": "登记入户走访"})

    def get(self, request):
        return self.render(self.get_form())

    def post(self, request):
        if (previous := submission_claim(request)) is not None:
            return repeated_submission_response(request, previous, request.path)
        form = self.get_form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    visits = household_visits_create(
                        cadre=data["cadre"], households=list(data["households"]),
                        start_date=data["start_date"], end_date=data.get("end_date"),
                        acting_user=request.user, **form.details())
                    if not all(can(request.user, CHANGE, v) for v in visits):
                        raise PermissionDenied("该记录超出您的管理范围")
            except ValidationError as exc:
                form.add_validation_error(exc)
            else:
                messages.success(request, f"已登记入户走访 {len(visits)} 户"
                                          f"（{data['start_date']:%Y-%m-%d}）")
                url = safe_next_url(request) or (
                    visits[0].get_absolute_url() if len(visits) == 1
                    else reverse("contactpoints:visit_list"))
                submission_done(request, url)
                return redirect(url)
        submission_release(request)
        return self.render(form)


class VisitDeleteView(ObjectDeleteView):
    model = Visit
    success_url_name = "contactpoints:visit_list"

    def describe(self, obj) -> str:
        return visit_label(obj, names_visible=names_visible(self.request.user, obj))

