"""Small generic views every app configures with attributes (NetBox's pattern).

Each view states who may use it (`allowed_roles`, empty = nobody but superusers) and reads its
rows through `Model.objects.restrict(user, action)`, so an id outside the user's scope is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from liaison.permissions import CHANGE, VIEW, Role, can, user_roles
from liaison.services import record_delete, record_save

PAGE_SIZE = 50


class RoleRequiredMixin:
    """Deny by default: only the listed roles (and superusers) get past dispatch."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        roles = user_roles(request.user)
        if not (roles & set(self.allowed_roles)) and Role.SYSADMIN not in roles:
            raise PermissionDenied("您的角色无权访问此页面")
        return super().dispatch(request, *args, **kwargs)


class PageView(RoleRequiredMixin, TemplateView):
    title = ""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("title", self.title)
        return super().get_context_data(**kwargs)


@dataclass(frozen=True)
class Column:
    header: str
    accessor: str  # dotted attribute path, or "get_x_display"
    link: bool = False

    def value(self, obj) -> Any:
        value = obj
        for part in self.accessor.split("."):
            value = getattr(value, part, None)
            if callable(value):
                value = value()
            if value is None:
                return ""
        return value


def export_response(resource, queryset, fmt: str, filename: str) -> HttpResponse:
    dataset = resource.export(queryset=queryset)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        body = "\ufeff" + dataset.export("csv")
        content_type = "text/csv; charset=utf-8"
    else:
        body, content_type = dataset.export("xlsx"), (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        fmt = "xlsx"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{filename}-{stamp}.{fmt}\"; "
        f"filename*=UTF-8''{filename}-{stamp}.{fmt}"
    )
    return response


class ObjectListView(RoleRequiredMixin, View):
    model = None
    filterset_class = None
    columns: tuple[Column, ...] = ()
    export_resource = None
    import_kind = ""
    create_url_name = ""
    editor_roles: tuple[str, ...] = ()
    template_name = "generic/object_list.html"
    title = ""
    empty_text = "暂无记录"

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, VIEW)

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=queryset,
                                             request=request)
            queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        export = request.GET.get("export")
        if export and self.export_resource is not None:
            return export_response(self.export_resource(), self.export_queryset(queryset),
                                   export, self.title)
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        can_edit = bool(user_roles(request.user) & (set(self.editor_roles) | {Role.SYSADMIN}))
        return TemplateResponse(request, self.template_name, {
            "title": self.title,
            "view": self,
            "filterset": filterset,
            "page": page,
            "columns": self.columns,
            "rows": [(obj, [(c, c.value(obj)) for c in self.columns]) for obj in page.object_list],
            "querystring": query.urlencode(),
            "can_edit": can_edit,
            "create_url": reverse(self.create_url_name) if can_edit and self.create_url_name
            else "",
            "import_url": reverse("import_upload", args=[self.import_kind])
            if can_edit and self.import_kind else "",
        })

    def export_queryset(self, queryset):
        """The rows exported for the listed objects (the resource's model)."""
        return queryset


class ObjectDetailView(RoleRequiredMixin, TemplateView):
    model = None
    editor_roles: tuple[str, ...] = ()
    history_roles = (Role.ORG_DEPT, Role.INSPECTOR)

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, VIEW)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        obj = self.get_object()
        roles = user_roles(self.request.user)
        return super().get_context_data(
            object=obj,
            title=str(obj),
            can_edit=bool(roles & (set(self.editor_roles) | {Role.SYSADMIN}))
            and can(self.request.user, CHANGE, obj),
            can_history=bool(roles & (set(self.history_roles) | {Role.SYSADMIN})),
            **kwargs,
        )


class ObjectEditView(RoleRequiredMixin, View):
    """Create (no pk) or edit (pk) through a form and `record_save`."""

    model = None
    form_class = None
    template_name = "generic/object_edit.html"
    success_url_name = ""

    def get_object(self):
        if "pk" not in self.kwargs:
            return self.model()
        queryset = self.model.objects.restrict(self.request.user, CHANGE)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_initial(self) -> dict:
        return {}

    def render(self, form, obj):
        title = f"编辑{self.model._meta.verbose_name}" if obj.pk else (
            f"新建{self.model._meta.verbose_name}")
        return TemplateResponse(self.request, self.template_name,
                                {"form": form, "object": obj, "title": title})

    def get_form(self, obj, data=None):
        files = self.request.FILES if data is not None else None  # forms with uploads
        return self.form_class(data, files, instance=obj, user=self.request.user,
                               initial=self.get_initial() if not obj.pk else None)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render(self.get_form(obj), obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.get_form(obj, request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    instance = self.save_form(form)
                    if not can(request.user, CHANGE, instance):
                        raise PermissionDenied("该记录超出您的管理范围")
            except ValidationError as exc:
                form.add_validation_error(exc)
            else:
                messages.success(request, f"已保存：{self.describe(instance)}")
                return redirect(self.get_success_url(instance))
        return self.render(form, obj)

    def describe(self, instance) -> str:
        """How the record is named in messages (override to hide personal data)."""
        return str(instance)

    def save_form(self, form):
        """The write of a valid form; views whose model has its own service override this."""
        return record_save(instance=form.save(commit=False), acting_user=self.request.user)

    def get_success_url(self, instance) -> str:
        return safe_next_url(self.request) or instance.get_absolute_url()


def safe_next_url(request) -> str:
    """The `next` parameter when it points back into this site (e.g. the workbench)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


class ObjectDeleteView(RoleRequiredMixin, View):
    model = None
    template_name = "generic/object_delete.html"
    success_url_name = ""

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, CHANGE)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return TemplateResponse(request, self.template_name,
                                {"object": obj, "object_label": self.describe(obj),
                                 "title": f"删除{self.model._meta.verbose_name}"})

    def describe(self, obj) -> str:
        """How the record is named on the page and in messages (override to hide personal
        data)."""
        return str(obj)

    def check_delete(self, obj) -> None:
        """Refuse (PermissionDenied) a delete that would reach rows outside the user's scope."""

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        self.check_delete(obj)
        try:
            record_delete(instance=obj, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(obj.get_absolute_url())
        messages.success(request, f"已删除：{self.describe(obj)}")
        return redirect(reverse(self.success_url_name))


class ObjectHistoryView(RoleRequiredMixin, TemplateView):
    """Who changed what and when, with the values before and after (DESIGN.md §5)."""

    model = None
    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR)
    template_name = "generic/object_history.html"

    def get_context_data(self, **kwargs):
        queryset = self.model.objects.restrict(self.request.user, VIEW)
        obj = get_object_or_404(queryset, pk=self.kwargs["pk"])
        records = list(
            self.model.history.filter(id=obj.pk).select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        entries = []
        for record, previous in zip(records, records[1:] + [None], strict=True):
            changes = []
            if previous is not None:
                delta = record.diff_against(previous)
                for change in delta.changes:
                    field = self.model._meta.get_field(change.field)
                    changes.append((field.verbose_name, _show(previous, field, change.old),
                                    _show(record, field, change.new)))
            entries.append({"record": record, "changes": changes})
        return super().get_context_data(object=obj, entries=entries,
                                        title=f"修改记录：{obj}", **kwargs)


def _show(record, field, value):
    if getattr(field, "choices", None):
        return dict(field.choices).get(value, value)
    if field.is_relation and value is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value
