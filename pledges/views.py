"""Pledge and registration pages on the generic views."""

from __future__ import annotations

from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
)
from pledges import filters, forms
from pledges.models import Pledge, Registration
from pledges.resources import PledgeResource, RegistrationResource


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

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "organization")


class PledgeDetailView(ObjectDetailView):
    model = Pledge
    url_base = "pledges:pledge"
    fields = (
        Column("干部", "cadre.name"), Column("年度", "year"),
        Column("所在党组织", "organization.name"), ItemsColumn("承诺事项", "items"),
        Column("公开日期", "published_on"), Column("评定等次", "get_rating_display"),
        Column("评定日期", "rated_on"),
    )


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
