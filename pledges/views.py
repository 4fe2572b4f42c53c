"""Pledge and registration pages on the generic views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from liaison.exports import pdf_response
from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
)
from liaison.models import Organization, Position
from liaison.params import year_param
from liaison.pdf import render_pdf
from liaison.permissions import CHANGE, VIEW, Role, has_role, user_grants
from liaison.qr import qr_svg
from pledges import filters, forms
from pledges.models import Pledge, Registration
from pledges.resources import PledgeResource, RegistrationResource
from pledges.services import item_timelines, pledge_amend, pledge_progress_add


class ItemsColumn(Column):
    def value(self, obj):
        return "\n".join(f"{n}. {item}" for n, item in enumerate(obj.item_list(), start=1))


class PledgeListView(ObjectListView):
    model = Pledge
    filterset_class = filters.PledgeFilterSet
    export_resource = PledgeResource
    import_kind = "pledges"
    create_url_name = "pledges:pledge_create"
    title = "党员承诺"
    empty_text = "暂无党员承诺"
    columns = (
        Column("干部", "cadre.name", link=True), Column("年度", "year"),
        Column("所在党组织", "organization.name"), ItemsColumn("承诺事项", "items"),
        Column("公开日期", "published_on"), Column("评定等次", "get_rating_display"),
    )

    template_name = "pledges/pledge_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "organization")

    def get_extra_context(self):
        """The boards of the user's units (a cadre's: the units they serve in now)."""
        user = self.request.user
        units = {g.org_id for g in user_grants(user)}
        units |= set(Position.objects.active_on(timezone.localdate()).filter(
            cadre__user=user).values_list("organization_id", flat=True))
        return {"board_units": Organization.objects.filter(pk__in=units).order_by("code"),
                "can_print": has_role(user, Role.ORG_DEPT, Role.UNIT_ADMIN, Role.SYSADMIN)}


class PledgeDetailView(ObjectDetailView):
    model = Pledge
    template_name = "pledges/pledge_detail.html"
    url_base = "pledges:pledge"
    fields = (
        Column("干部", "cadre.name"), Column("年度", "year"),
        Column("所在党组织", "organization.name"),
        Column("公开日期", "published_on"), Column("评定等次", "get_rating_display"),
        Column("评定日期", "rated_on"),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledge = context["object"]
        context.update(items=item_timelines(pledge),
                       amendments=pledge.amendments.order_by("date", "pk"))
        return context


class PledgeEditView(ObjectEditView):
    model = Pledge
    form_class = forms.PledgeForm


class PledgeDeleteView(ObjectDeleteView):
    model = Pledge
    success_url_name = "pledges:pledge_list"


class RegistrationListView(ObjectListView):
    model = Registration
    filterset_class = filters.RegistrationFilterSet
    export_resource = RegistrationResource
    import_kind = "registrations"
    create_url_name = "pledges:registration_create"
    title = "在职党员到社区报到"
    empty_text = "暂无报到记录"
    columns = (
        Column("干部", "cadre.name", link=True), Column("社区", "community.name"),
        Column("报到日期", "start_date"), Column("结束日期", "end_date"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "community")


class RegistrationDetailView(ObjectDetailView):
    model = Registration
    url_base = "pledges:registration"
    fields = (Column("干部", "cadre.name"), Column("社区", "community.name"),
              Column("报到日期", "start_date"), Column("结束日期", "end_date"))


class RegistrationEditView(ObjectEditView):
    model = Registration
    form_class = forms.RegistrationForm


class RegistrationDeleteView(ObjectDeleteView):
    model = Registration
    success_url_name = "pledges:registration_list"


# --- keeping a published pledge: progress, amendments, the public board ------------------------


class PledgeActionView(RoleRequiredMixin, View):
    """A form on one pledge the user may change (progress note, amendment)."""

    model = Pledge
    policy_action = CHANGE
    form_class = None
    heading = ""

    def get_object(self):
        return get_object_or_404(Pledge.objects.restrict(self.request.user, CHANGE)
                                 .select_related("cadre"), pk=self.kwargs["pk"])

    def make_form(self, pledge, data=None):
        return self.form_class(data)

    def render(self, pledge, form):
        return TemplateResponse(self.request, "pledges/pledge_action.html", {
            "object": pledge, "form": form, "title": f"{self.heading}：{pledge}"})

    def get(self, request, pk):
        pledge = self.get_object()
        return self.render(pledge, self.make_form(pledge))

    def post(self, request, pk):
        pledge = self.get_object()
        form = self.make_form(pledge, request.POST)
        if form.is_valid():
            try:
                self.save(pledge, form.cleaned_data)
            except ValidationError as exc:
                for field, errors in (exc.message_dict.items() if hasattr(exc, "error_dict")
                                      else [(None, exc.messages)]):
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"已保存：{self.heading}")
                return redirect(pledge.get_absolute_url())
        return self.render(pledge, form)


class PledgeProgressView(PledgeActionView):
    heading = "登记践诺进展"

    def make_form(self, pledge, data=None):
        return forms.ProgressForm(data, pledge=pledge)

    def save(self, pledge, data):
        pledge_progress_add(pledge=pledge, acting_user=self.request.user, **data)


class PledgeAmendView(PledgeActionView):
    heading = "修改承诺"
    form_class = forms.AmendForm

    def make_form(self, pledge, data=None):
        return forms.AmendForm(data, initial={"items": "\n".join(pledge.item_list())})

    def save(self, pledge, data):
        pledge_amend(pledge=pledge, items=data["items"], reason=data["reason"],
                     acting_user=self.request.user)


def board_year(request) -> int:
    today = timezone.localdate()
    return year_param(request.GET.get("year"), today.year, latest=today.year + 1)


@method_decorator(login_not_required, name="dispatch")
class PublicPledgeBoardView(View):
    """亮承诺: an organization's published pledges of a year (no login), each item with its
    status and dated progress, and every amendment with its date."""

    def get(self, request, code):
        organization = get_object_or_404(Organization, code=code)
        year = board_year(request)
        pledges = Pledge.objects.filter(organization=organization, year=year,
                                        published_on__isnull=False) \
            .select_related("cadre").prefetch_related("amendments").order_by("cadre__code")
        page = Paginator(pledges, 30).get_page(request.GET.get("page"))
        return TemplateResponse(request, "pledges/public_board.html", {
            "organization": organization, "year": year, "page": page,
            "querystring": f"year={year}",
            "boards": [(p, item_timelines(p)) for p in page],
            "title": f"{organization.name}{year}年党员承诺公开栏"})


class PledgePosterView(RoleRequiredMixin, View):
    """An A4 poster (PDF) with the QR code of an organization's pledge board (亮承诺)."""

    allowed_roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)

    def get(self, request, code):
        organization = get_object_or_404(Organization.objects.restrict(request.user, VIEW),
                                         code=code)
        url = request.build_absolute_uri(reverse("pledges:board", args=[organization.code]))
        pdf = render_pdf("pledges/pdf/poster.html", {
            "organization": organization, "url": url, "qr": qr_svg(url, 110),
            "title": "党员承诺公开栏"}, user=request.user)
        return pdf_response(pdf, f"承诺公开栏二维码-{organization.name}")
