"""Small generic views every app configures with attributes (NetBox's pattern).

Who may use a view comes from its model's policy (liaison.permissions.Policy) and the view's
action: lists need LIST, detail pages VIEW, create pages CREATE, edit and delete pages CHANGE,
history pages HISTORY. A page that is not one of a model's standard pages states its own
`allowed_roles`. Rows are read through `Model.objects.restrict(user, action)`, so an id outside
the user's scope is a 404. `object_urls` gives a model's standard URL patterns.
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
from django.urls import path, reverse
from django.views import View
from django.views.generic import TemplateView

from liaison.exports import spreadsheet_response
from liaison.idempotency import (
    repeated_submission_response,
    submission_claim,
    submission_done,
    submission_release,
)
from liaison.imports import import_kinds_for
from liaison.permissions import (
    CHANGE,
    CREATE,
    HISTORY,
    LIST,
    PERSONAL_DATA,
    VIEW,
    Role,
    can,
    personal_data_q,
    policy_of,
    user_roles,
)
from liaison.personal import (
    FLAG,
    mask_name,
    masked_value,
    personal_visible,
    shown,
    with_personal_flag,
    with_reveal_flag,
)
from liaison.services import personal_data_access_log, record_delete, record_save

PAGE_SIZE = 50


class RoleRequiredMixin:
    """Deny by default: only the roles allowed (and superusers) get past dispatch. The roles
    are `allowed_roles` when set, else those the model's policy gives the view's action."""

    allowed_roles: tuple[str, ...] | None = None
    model = None
    policy_action = VIEW

    @classmethod
    def roles_allowed(cls, initkwargs: dict | None = None, kwargs: dict | None = None):
        """The roles that may use this view with these URL kwargs (the permission walk of
        the tests reads it too)."""
        if cls.allowed_roles is not None:
            return cls.allowed_roles
        model = (initkwargs or {}).get("model", cls.model)
        return policy_of(model).roles_for(cls.action_for(kwargs or {}))

    @classmethod
    def action_for(cls, kwargs) -> str:
        return cls.policy_action

    def dispatch(self, request, *args, **kwargs):
        roles = user_roles(request.user)
        allowed = self.roles_allowed({"model": self.model}, kwargs)
        if not (roles & set(allowed)) and Role.SYSADMIN not in roles:
            raise PermissionDenied("您的角色无权访问此页面")
        return super().dispatch(request, *args, **kwargs)

    def policy_allows(self, action: str) -> bool:
        return policy_of(self.model).allows(self.request.user, action)


class PageView(RoleRequiredMixin, TemplateView):
    allowed_roles: tuple[str, ...] = ()  # a page of its own: it states who may use it
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


@dataclass(frozen=True)
class PersonalColumn(Column):
    """Personal data: in full where the row's `personal_visible` flag is set (annotated by
    liaison.personal.with_personal_flag), masked everywhere else."""

    mask: object = mask_name

    def value(self, obj) -> Any:
        return shown(str(super().value(obj)), getattr(obj, "personal_visible", False),
                     self.mask)


def export_response(resource, queryset, fmt: str, filename: str) -> HttpResponse:
    return spreadsheet_response(resource.export(queryset=queryset), fmt, filename)


class ObjectListView(RoleRequiredMixin, View):
    """A model's list, filtered, paginated and exported.

    Exports (#15): `export_action` says who may export (PERSONAL_DATA: every export holds
    personal data, e.g. petitioners' identities, so each one asks for a reason and is logged).
    With `personal_export`, the one-click export masks the model's personal fields for
    everyone; an export with them in full (only the rows the user may reveal) asks for a
    reason first and is logged with it."""

    policy_action = LIST
    filterset_class = None
    columns: tuple[Column, ...] = ()
    export_resource = None
    import_kind = ""
    create_url_name = ""
    export_action = VIEW
    personal_export = False
    template_name = "generic/object_list.html"
    reason_template_name = "generic/export_reason.html"
    title = ""
    empty_text = "暂无记录"
    # (label, url name) of actions on the rows checked on the page (sent as ?pk=1&pk=2...),
    # offered to whoever may change the model's rows.
    bulk_actions: tuple[tuple[str, str], ...] = ()

    def get_queryset(self):
        return self.model.objects.restrict(self.request.user, VIEW)

    def filtered(self, request):
        """(filterset, rows): the list's rows under the request's filters."""
        queryset = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(request.GET or None, queryset=queryset,
                                             request=request)
            queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
        return filterset, queryset

    def export_needs_reason(self, request) -> bool:
        return self.export_action == PERSONAL_DATA or (
            self.personal_export and request.GET.get("personal") == "1")

    def may_export_personal(self) -> bool:
        """Whether the user may reveal the personal data of any row (an export in full)."""
        q = personal_data_q(self.model, self.request.user)
        return not q or self.model._default_manager.filter(q).exists()

    def check_export(self, request) -> None:
        if not self.policy_allows(self.export_action):
            raise PermissionDenied("您的角色无权导出这些数据")
        if self.personal_export and request.GET.get("personal") == "1" and \
                not self.may_export_personal():
            raise PermissionDenied("您无权导出这些记录的个人信息")

    def export(self, request, queryset, fmt: str, reason: str = "") -> HttpResponse:
        rows = self.export_queryset(queryset)
        if self.personal_export:
            flag = with_reveal_flag if reason else with_personal_flag
            rows = flag(rows, rows.model, request.user)
        if reason:
            count = rows.filter(**{FLAG: True}).count() if self.personal_export \
                else rows.count()
            personal_data_access_log(user=request.user, action="export", model=self.model,
                                     rows=count, label=self.title, reason=reason)
        return export_response(self.export_resource(), rows, fmt, self.title)

    def reason_page(self, request, form, status: int = 200) -> TemplateResponse:
        back = request.GET.copy()
        for name in ("export", "personal"):
            back.pop(name, None)
        return TemplateResponse(request, self.reason_template_name, {
            "title": f"导出{self.title}", "form": form, "list_title": self.title,
            "partial": self.personal_export, "back": "?" + back.urlencode(),
        }, status=status)

    def post(self, request, *args, **kwargs):
        """An export with personal data: the reason form of reason_page comes back here, with
        the list's filters and the format still in the query string."""
        from liaison.forms import ExportReasonForm

        fmt = request.GET.get("export")
        if not fmt or self.export_resource is None or not self.export_needs_reason(request):
            raise PermissionDenied("此页面只接受导出事由")
        self.check_export(request)
        form = ExportReasonForm(request.POST)
        if not form.is_valid():
            return self.reason_page(request, form, status=400)
        _, queryset = self.filtered(request)
        return self.export(request, queryset, fmt, reason=form.cleaned_data["reason"])

    def get(self, request, *args, **kwargs):
        filterset, queryset = self.filtered(request)
        export = request.GET.get("export")
        if export and self.export_resource is not None:
            self.check_export(request)
            if self.export_needs_reason(request):
                from liaison.forms import ExportReasonForm

                return self.reason_page(request, ExportReasonForm())
            return self.export(request, queryset, export)
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        can_edit = self.policy_allows(CREATE)
        import_kind = self.import_kind if self.import_kind in dict(
            import_kinds_for(request.user)) else ""
        return TemplateResponse(request, self.template_name, {
            "title": self.title,
            "view": self,
            "filterset": filterset,
            "page": page,
            "columns": self.columns,
            "rows": [(obj, [(c, c.value(obj)) for c in self.columns])
                     for obj in self.prepare_rows(list(page.object_list))],
            "querystring": query.urlencode(),
            "can_edit": can_edit,
            "create_url": reverse(self.create_url_name) if can_edit and self.create_url_name
            else "",
            "import_url": reverse("import_upload", args=[import_kind]) if import_kind else "",
            "bulk_actions": [(label, reverse(name)) for label, name in self.bulk_actions]
            if self.policy_allows(CHANGE) else [],
            "export_allowed": self.export_resource is not None
            and self.policy_allows(self.export_action),
            "export_needs_reason": self.export_action == PERSONAL_DATA,
            "personal_export": self.personal_export and self.export_resource is not None
            and self.may_export_personal(),
            **self.get_extra_context(),
        })

    def get_extra_context(self) -> dict:
        """More context for a list's own template."""
        return {}

    def prepare_rows(self, objects: list) -> list:
        """The page's objects before their columns are read (e.g. values computed for the
        whole page at once)."""
        return objects

    def export_queryset(self, queryset):
        """The rows exported for the listed objects (the resource's model)."""
        return queryset


class ObjectDetailView(RoleRequiredMixin, TemplateView):
    """A record's page. With `fields` (columns read from the object) and `url_base` (the
    prefix of its object_urls names, e.g. "opinions:opinion"), the generic template shows it;
    pages with more to say give their own template."""

    template_name = "generic/object_detail.html"
    fields: tuple[Column, ...] = ()
    url_base = ""

    def get_object(self):
        queryset = self.model.objects.restrict(self.request.user, VIEW)
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        obj = self.get_object()
        return super().get_context_data(
            object=obj,
            title=str(obj),
            can_edit=self.policy_allows(CHANGE) and can(self.request.user, CHANGE, obj),
            can_history=self.policy_allows(HISTORY),
            detail_fields=[(c.header, c.value(obj)) for c in self.fields],
            edit_url=f"{self.url_base}_edit", delete_url=f"{self.url_base}_delete",
            history_url=f"{self.url_base}_history",
            **kwargs,
        )


class ObjectEditView(RoleRequiredMixin, View):
    """Create (no pk) or edit (pk) through a form and `record_save`."""

    policy_action = CHANGE
    form_class = None
    template_name = "generic/object_edit.html"
    success_url_name = ""

    @classmethod
    def action_for(cls, kwargs) -> str:
        return CHANGE if "pk" in kwargs else CREATE

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
        if (previous := submission_claim(request)) is not None:
            return repeated_submission_response(request, previous, request.path)
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
                url = self.get_success_url(instance)
                submission_done(request, url)
                return redirect(url)
        submission_release(request)
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
    policy_action = CHANGE
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

    policy_action = HISTORY
    template_name = "generic/object_history.html"

    def get_context_data(self, **kwargs):
        queryset = self.model.objects.restrict(self.request.user, VIEW)
        obj = get_object_or_404(queryset, pk=self.kwargs["pk"])
        records = list(
            self.model.history.filter(id=obj.pk).select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        # Personal data in the values before and after stays masked unless the page may show
        # it (never for a reveal_only model such as households).
        masked = not personal_visible(self.request.user, obj)
        entries = []
        # Records created before history was kept (seed data) have no rows: an empty page.
        for record, previous in zip(records, [*records[1:], None][:len(records)], strict=True):
            changes = []
            if previous is not None:
                delta = record.diff_against(previous)
                for change in delta.changes:
                    field = self.model._meta.get_field(change.field)
                    old, new = _show(previous, field, change.old), _show(record, field,
                                                                         change.new)
                    if masked:
                        old = masked_value(self.model, field.name, old)
                        new = masked_value(self.model, field.name, new)
                    changes.append((field.verbose_name, old, new))
            entries.append({"record": record, "changes": changes})
        return super().get_context_data(object=obj, entries=entries,
                                        title=f"修改记录：{obj}", **kwargs)


def object_urls(model, name: str, prefix: str = "", *, list=None, create=None, detail=None,
                edit=None, delete=None, history: bool = True) -> list:
    """A model's standard pages: `prefix` + "" (list), "add/", "<pk>/", "<pk>/edit/",
    "<pk>/delete/" and "<pk>/history/", named `name`_list, _create, _detail, _edit, _delete
    and _history. Each view is a class (or None to leave the page out); history is the
    generic ObjectHistoryView unless `history` is False."""
    routes = {"list": "", "create": "add/", "detail": "<int:pk>/", "edit": "<int:pk>/edit/",
              "delete": "<int:pk>/delete/"}
    given = {"list": list, "create": create, "detail": detail, "edit": edit, "delete": delete}
    patterns = [path(prefix + routes[action], view.as_view(), name=f"{name}_{action}")
                for action, view in given.items() if view is not None]
    if history:
        patterns.append(path(f"{prefix}<int:pk>/history/",
                             ObjectHistoryView.as_view(model=model), name=f"{name}_history"))
    return patterns


def _show(record, field, value):
    if field.many_to_many:
        # simple_history gives the through rows: [{"talk": 1, "cadre": 7}, ...]
        key = field.m2m_reverse_field_name()
        pks = [row[key] for row in value or []]
        related = field.related_model._default_manager.filter(pk__in=pks).order_by("pk")
        return "、".join(getattr(obj, "code", None) or str(obj) for obj in related)
    if getattr(field, "choices", None):
        return dict(field.choices).get(value, value)
    if field.is_relation and value is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related else f"#{value}"
    if isinstance(value, bool):
        return "是" if value else "否"
    return "" if value is None else value
