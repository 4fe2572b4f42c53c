from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import View

from liaison import filters, forms, selectors
from liaison.auth import setup_finished
from liaison.exports import XLSX, attach, safe_dataset
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
from liaison.import_jobs import import_job_active, import_job_latest, import_job_progress
from liaison.import_services import import_job_start
from liaison.imports import (
    IMPORT_KINDS,
    ImportFileError,
    PreviewRow,
    import_file,
    import_kinds_for,
    importer_roles,
    template_dataset,
)
from liaison.models import (
    Cadre,
    ContactAssignment,
    Household,
    ImportJob,
    Notification,
    Organization,
    PersonalDataAccess,
    Position,
)
from liaison.params import id_param, year_param
from liaison.pending_imports import (
    pending_import_claim,
    pending_import_discard,
    pending_import_store,
    pending_import_store_stream,
    pending_import_take,
)
from liaison.permissions import CHANGE, VIEW, Role, personal_data_q, user_roles
from liaison.personal import mask_address, mask_phone, may_reveal, shown, with_personal_flag
from liaison.resources import (
    AssignmentResource,
    CadreResource,
    HouseholdResource,
    OrganizationResource,
)
from liaison.services import cadre_create, cadre_logins_create, personal_data_access_log

EVERYONE = Role.ALL
READERS = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)
ROSTER_EDITORS = (Role.ORG_DEPT, Role.UNIT_ADMIN)
ORG_EDITORS = (Role.ORG_DEPT,)


class HomeView(PageView):
    allowed_roles = EVERYONE
    template_name = "liaison/home.html"
    title = "首页"

    def get_context_data(self, **kwargs):
        user = self.request.user
        today = timezone.localdate()
        cadre = selectors.user_cadre(user)
        return super().get_context_data(
            cadre=cadre,
            positions=selectors.cadre_active_positions(cadre, today) if cadre else [],
            counts={
                "单位": Organization.objects.restrict(user, VIEW).count(),
                "干部": Cadre.objects.restrict(user, VIEW).count(),
                "住户": Household.objects.restrict(user, VIEW).count(),
                "联系关系": ContactAssignment.objects.restrict(user, VIEW).count(),
            },
            **kwargs,
        )


class MfaSetupContinueView(View):
    """The recovery codes page's 继续: on to where the user was going before the TOTP set-up."""

    def get(self, request):
        return redirect(setup_finished(request))


# --- organizations ---------------------------------------------------------------------------


class OrganizationTreeView(PageView):
    """The tree, one level at a time, with counts; search switches to a flat list."""

    allowed_roles = EVERYONE
    template_name = "liaison/organization_tree.html"
    title = "组织架构"

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        parent = None
        if parent_id := id_param(self.request.GET.get("parent")):
            parent = get_object_or_404(Organization.objects.restrict(user, VIEW), pk=parent_id)
        return super().get_context_data(
            parent=parent,
            ancestors=_ancestors(parent, user),
            nodes=selectors.organization_tree_level(user=user, parent=parent, day=today),
            can_edit=bool(user_roles(user) & {Role.ORG_DEPT, Role.SYSADMIN}),
            **kwargs,
        )


def _ancestors(org, user):
    if org is None:
        return []
    ids = [int(pk) for pk in org.path.strip("/").split("/")[:-1]]
    found = {o.pk: o for o in Organization.objects.restrict(user, VIEW).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


class OrganizationListView(ObjectListView):
    model = Organization
    filterset_class = filters.OrganizationFilterSet
    export_resource = OrganizationResource
    import_kind = "organizations"
    create_url_name = "organization_create"
    title = "单位列表"
    columns = (
        Column("单位编码", "code", link=True),
        Column("单位名称", "name", link=True),
        Column("类型", "get_type_display"),
        Column("上级单位", "parent.name"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("parent")


class OrganizationDetailView(ObjectDetailView):
    model = Organization
    template_name = "liaison/organization_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, user, today = context["object"], self.request.user, timezone.localdate()
        context.update(
            ancestors=_ancestors(org, user),
            children=selectors.organization_tree_level(user=user, parent=org, day=today),
            positions=Position.objects.restrict(user, VIEW).active_on(today)
            .filter(organization=org).select_related("cadre").order_by("category", "cadre__code"),
        )
        return context


class OrganizationEditView(ObjectEditView):
    model = Organization
    form_class = forms.OrganizationForm


class OrganizationDeleteView(ObjectDeleteView):
    model = Organization
    success_url_name = "organization_list"



# --- cadres ----------------------------------------------------------------------------------


class MaskedPhoneColumn(Column):
    """A cadre's phone on lists: enough to recognise it; in full on the cadre's page."""

    def value(self, obj):
        return mask_phone(obj.phone) if obj.phone else ""


class CadreListView(ObjectListView):
    model = Cadre
    filterset_class = filters.CadreFilterSet
    export_resource = CadreResource
    import_kind = "cadres"
    create_url_name = "cadre_create"
    title = "干部名册"
    columns = (
        Column("干部编码", "code", link=True),
        Column("姓名", "name", link=True),
        MaskedPhoneColumn("联系电话", "phone"),
        Column("登录账号", "user.username"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("user")

    def export_queryset(self, queryset):
        # One row per position (the cadres import format), for the listed cadres.
        return Position.objects.filter(cadre__in=queryset).select_related(
            "cadre", "organization").order_by("cadre__code", "start_date")


class CadreDetailView(ObjectDetailView):
    model = Cadre
    template_name = "liaison/cadre_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cadre, user = context["object"], self.request.user
        context.update(
            positions=Position.objects.restrict(user, VIEW).filter(cadre=cadre)
            .select_related("organization").order_by("-start_date"),
            assignments=ContactAssignment.objects.restrict(user, VIEW).filter(cadre=cadre)
            .select_related("target_org", "target_household").order_by("-start_date"),
            today=timezone.localdate(),
        )
        return context


class CadreEditView(ObjectEditView):
    model = Cadre
    form_class = forms.CadreForm

    def save_form(self, form):
        position = form.first_position()
        if position is None:
            return super().save_form(form)
        return cadre_create(cadre=form.save(commit=False), position=position,
                                     acting_user=self.request.user)


class CadreDeleteView(ObjectDeleteView):
    model = Cadre
    success_url_name = "cadre_list"

    def check_delete(self, cadre) -> None:
        # Deleting a cadre deletes their positions: every one must be the user's to change.
        positions = cadre.positions.all()
        if positions.exclude(pk__in=positions.restrict(self.request.user, CHANGE)).exists():
            raise PermissionDenied("该干部在您管理范围以外的单位也有任职，请由组织部删除")



class PositionEditView(ObjectEditView):
    model = Position
    form_class = forms.PositionForm

    def get_initial(self):
        return {"cadre": id_param(self.request.GET.get("cadre"))}


class PositionDeleteView(ObjectDeleteView):
    model = Position
    success_url_name = "cadre_list"


class CadreLoginsView(RoleRequiredMixin, View):
    """组织部 opens logins for roster cadres in bulk; initial passwords shown once."""

    allowed_roles = ORG_EDITORS
    template_name = "liaison/cadre_logins.html"

    def queryset(self):
        return Cadre.objects.restrict(self.request.user, CHANGE).filter(user__isnull=True)

    def get(self, request):
        form = forms.CadreLoginsForm(queryset=self.queryset())
        return TemplateResponse(request, self.template_name,
                                {"form": form, "title": "开通干部账号"})

    def post(self, request):
        form = forms.CadreLoginsForm(request.POST, queryset=self.queryset())
        if not form.is_valid():
            return TemplateResponse(request, self.template_name,
                                    {"form": form, "title": "开通干部账号"})
        created = cadre_logins_create(cadres=form.cleaned_data["cadres"], acting_user=request.user,
                                      make_password=lambda: secrets.token_urlsafe(9))
        messages.success(request, f"已开通 {len(created)} 个账号，初始密码仅显示这一次。")
        return TemplateResponse(request, "liaison/cadre_logins_done.html",
                                {"created": created, "title": "账号已开通"})


# --- households ------------------------------------------------------------------------------


class HouseholdListView(ObjectListView):
    model = Household
    filterset_class = filters.HouseholdFilterSet
    export_resource = HouseholdResource
    import_kind = "households"
    create_url_name = "household_create"
    title = "住户"
    columns = (
        Column("住户编码", "code", link=True),
        PersonalColumn("户主姓名", "head_name", link=True),
        Column("社区", "community.name"),
        Column("贫困户", "poor_label"),
    )
    # Names and addresses masked in the list and the one-click export; in full only in an
    # export with a reason, for the rows the user may reveal (#15).
    personal_export = True

    def get_queryset(self):
        return with_personal_flag(super().get_queryset().select_related("community"),
                                  Household, self.request.user)


class HouseholdDetailView(ObjectDetailView):
    """A household's page: name, address and phone masked for everyone; whoever may reveal
    them (liaison.scopes: the linked cadres, the community's admin) has a 显示 button that
    posts to HouseholdRevealView."""

    model = Household
    template_name = "liaison/household_detail.html"
    revealed = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        household, user = context["object"], self.request.user
        shown_in_full = self.revealed
        context.update(
            title=f"住户 {household.code}",
            revealed=shown_in_full,
            can_reveal=not shown_in_full and may_reveal(user, household),
            person={
                "name": shown(household.head_name, shown_in_full),
                "address": shown(household.address, shown_in_full, mask_address),
                "phone": shown(household.phone, shown_in_full, mask_phone),
            },
            assignments=ContactAssignment.objects.restrict(user, VIEW)
            .filter(target_household=household).select_related("cadre"),
        )
        return context


class HouseholdRevealView(HouseholdDetailView):
    """显示: the household's page with its personal data in full, for this response only, to
    whoever may reveal it; logged in PersonalDataAccess. A POST (a link preview or a prefetch
    never reveals anything); everyone else, and any id outside the rule, gets 403."""

    allowed_roles = (Role.CADRE, Role.UNIT_ADMIN)
    http_method_names = ["post"]

    def get_object(self):
        household = Household.objects.filter(
            personal_data_q(Household, self.request.user), pk=self.kwargs["pk"]).first()
        if household is None:
            raise PermissionDenied("您无权查看该住户的个人信息")
        return household

    def post(self, request, *args, **kwargs):
        self.revealed = True
        household = self.get_object()
        personal_data_access_log(user=request.user, action="view", model=Household,
                                 obj=household, label=f"{household.code}（户主姓名、地址、电话）")
        response = self.render_to_response(self.get_context_data(**kwargs))
        response["Cache-Control"] = "no-store"
        return response


class HouseholdEditView(ObjectEditView):
    model = Household
    form_class = forms.HouseholdForm

    def render(self, form, obj):
        if obj.pk and form.personal_shown and self.request.method == "GET":
            # The form shows the name, address and phone in full: a reveal, logged.
            personal_data_access_log(user=self.request.user, action="view", model=Household,
                                     obj=obj, label=f"{obj.code}（编辑住户）")
        response = super().render(form, obj)
        response["Cache-Control"] = "no-store"
        return response

    def describe(self, instance) -> str:
        return instance.code  # never the head's name in a message


class HouseholdDeleteView(ObjectDeleteView):
    model = Household
    success_url_name = "household_list"

    def describe(self, obj) -> str:
        return str(obj)  # the code and the masked name


# --- assignments -----------------------------------------------------------------------------


class AssignmentListView(ObjectListView):
    model = ContactAssignment
    filterset_class = filters.AssignmentFilterSet
    export_resource = AssignmentResource
    import_kind = "assignments"
    create_url_name = "assignment_create"
    title = "联系关系"
    columns = (
        Column("联系类型", "get_kind_display", link=True),
        Column("联系人", "contact"),
        Column("联系对象", "target"),
        Column("开始日期", "start_date"),
        Column("结束日期", "end_date"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related(
            "cadre", "unit", "target_org", "target_household")


class AssignmentDetailView(ObjectDetailView):
    model = ContactAssignment
    template_name = "liaison/assignment_detail.html"


class AssignmentEditView(ObjectEditView):
    model = ContactAssignment
    form_class = forms.AssignmentForm


class AssignmentDeleteView(ObjectDeleteView):
    model = ContactAssignment
    success_url_name = "assignment_list"



class CoverageView(PageView):
    allowed_roles = READERS
    template_name = "liaison/coverage.html"
    title = "联系覆盖情况"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            today=today, **selectors.coverage_gaps(user=self.request.user, day=today), **kwargs
        )


# --- imports ---------------------------------------------------------------------------------

class ImportersOnly:
    """Open to every role that has an import kind of its own (liaison.imports)."""

    @classmethod
    def roles_allowed(cls, initkwargs=None, kwargs=None):
        return importer_roles()


class ImportIndexView(ImportersOnly, PageView):
    template_name = "liaison/import_index.html"
    title = "数据导入"

    def get_context_data(self, **kwargs):
        return super().get_context_data(kinds=import_kinds_for(self.request.user), **kwargs)


class ImportKindMixin(ImportersOnly, RoleRequiredMixin):

    def dispatch(self, request, *args, kind, **kwargs):
        if kind not in IMPORT_KINDS:
            raise Http404
        if kind not in dict(import_kinds_for(request.user)):
            raise PermissionDenied("您的角色无权导入此类数据")
        self.kind = kind
        return super().dispatch(request, *args, **kwargs)


class ImportTemplateView(ImportKindMixin, View):
    def get(self, request):
        name = f"{IMPORT_KINDS[self.kind].label}导入模板"
        sheet = safe_dataset(template_dataset(self.kind), name)
        return attach(HttpResponse(sheet.export("xlsx"), content_type=XLSX), f"{name}.xlsx")


SESSION_KEY = "pending_import"

class ImportUploadView(ImportKindMixin, View):
    """Upload → preview (a dry run listing every row and every error) → confirm."""

    template_name = "liaison/import_upload.html"

    def context(self, **extra):
        return {"kind": self.kind, "label": IMPORT_KINDS[self.kind].label,
                "headers": IMPORT_KINDS[self.kind].headers(),
                "title": f"导入{IMPORT_KINDS[self.kind].label}",
                "running": import_job_active(user=self.request.user, kind=self.kind),
                "background_kb": settings.IMPORT_BACKGROUND_BYTES // 1024, **extra}

    def get(self, request):
        return TemplateResponse(request, self.template_name, self.context())

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "请选择要导入的 .xlsx 或 .csv 文件")
            return redirect("import_upload", kind=self.kind)
        if upload.size > settings.IMPORT_MAX_BYTES:
            messages.error(request, "文件过大（上限 20 MB）")
            return redirect("import_upload", kind=self.kind)
        running = import_job_active(user=request.user, kind=self.kind)
        if running is not None:
            messages.info(request, "已有一个导入在后台进行，请等它完成")
            return redirect("import_job", kind=self.kind)
        previous = request.session.get(SESSION_KEY)
        if upload.size > settings.IMPORT_BACKGROUND_BYTES:
            # A large file: previewed in the background, the page follows its progress.
            request.session.pop(SESSION_KEY, None)
            if previous:
                pending_import_discard(previous.get("file", ""))
            token = pending_import_store_stream(upload.chunks())
            job, _ = import_job_start(kind=self.kind, filename=upload.name, file_token=token,
                                      dry_run=True, acting_user=request.user)
            request.session[SESSION_KEY] = {"kind": self.kind, "name": upload.name,
                                            "file": token, "job": job.pk}
            return redirect("import_job", kind=self.kind)
        content = upload.read()
        try:
            outcome = import_file(kind=self.kind, filename=upload.name, content=content,
                                  acting_user=request.user, dry_run=True)
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("import_upload", kind=self.kind)
        previous = request.session.pop(SESSION_KEY, None)
        if previous:
            pending_import_discard(previous.get("file", ""))
        if outcome.ok:
            # The checked file waits on disk for the confirmation, not in the session.
            request.session[SESSION_KEY] = {
                "kind": self.kind, "name": upload.name, "file": pending_import_store(content),
            }
        return TemplateResponse(request, self.template_name,
                                self.context(outcome=outcome, filename=upload.name))


class ImportCancelView(ImportKindMixin, View):
    def post(self, request):
        pending = request.session.pop(SESSION_KEY, None)
        if pending:
            pending_import_discard(pending.get("file", ""))
        messages.info(request, "已取消导入，上传的文件已删除")
        return redirect("import_upload", kind=self.kind)


class ImportConfirmView(ImportKindMixin, View):
    def post(self, request):
        running = import_job_active(user=request.user, kind=self.kind)
        if running is not None:  # a second click while the import runs: the same job
            return redirect("import_job", kind=self.kind)
        pending = request.session.pop(SESSION_KEY, None)
        if not pending or pending["kind"] != self.kind:
            messages.error(request, "没有待确认的导入，请重新上传文件")
            return redirect("import_upload", kind=self.kind)
        if pending.get("job"):
            return self.confirm_in_background(request, pending)
        content = pending_import_take(pending.get("file", ""))
        if content is None:
            messages.error(request, "待确认的文件已失效，请重新上传")
            return redirect("import_upload", kind=self.kind)
        outcome = import_file(kind=self.kind, filename=pending["name"], content=content,
                              acting_user=request.user)
        if outcome.ok:
            messages.success(request, f"导入完成：{outcome.summary()}")
        else:
            messages.error(request, "导入失败，未写入任何数据：" + "；".join(outcome.errors[:20]))
        return redirect("import_upload", kind=self.kind)

    def confirm_in_background(self, request, pending):
        preview = ImportJob.objects.filter(pk=pending["job"], requested_by=request.user,
                                           kind=self.kind, dry_run=True).first()
        if preview is None or preview.status != ImportJob.Status.DONE or preview.errors:
            messages.error(request, "该文件尚未通过预览检查，请重新上传")
            return redirect("import_upload", kind=self.kind)
        token = pending_import_claim(pending.get("file", ""))
        if token is None:
            messages.error(request, "待确认的文件已失效，请重新上传")
            return redirect("import_upload", kind=self.kind)
        import_job_start(kind=self.kind, filename=pending["name"], file_token=token,
                         dry_run=False, acting_user=request.user)
        return redirect("import_job", kind=self.kind)


class ImportJobView(ImportKindMixin, View):
    """A large file's preview or import in the background: its progress (the page polls
    ?format=json), then what it found. Each user sees only their own latest job."""

    template_name = "liaison/import_job.html"

    def get(self, request):
        job = import_job_latest(user=request.user, kind=self.kind)
        if job is None:
            return redirect("import_upload", kind=self.kind)
        progress = import_job_progress(job)
        if request.GET.get("format") == "json":
            return JsonResponse({"id": job.pk, "status": job.status, "progress": progress,
                                 "status_label": job.get_status_display(),
                                 "rows": job.rows_total, "finished": job.finished,
                                 "error": job.error})
        label = IMPORT_KINDS[self.kind].label
        pending = request.session.get(SESSION_KEY) or {}
        return TemplateResponse(request, self.template_name, {
            "kind": self.kind, "label": label, "job": job, "progress": progress,
            "title": f"导入{label}：{'预览' if job.dry_run else '导入'}进度",
            "summary": f"新增 {job.new} 行，更新 {job.updated} 行，不变 {job.unchanged} 行",
            "confirmable": job.dry_run and pending.get("job") == job.pk,
            "preview_rows": [PreviewRow(*row) for row in job.preview]})



# --- the cadre's workbench -------------------------------------------------------------------


class WorkbenchView(PageView):
    """我的工作台: this year's own records (panels registered by the domain apps), one-tap
    entry buttons and own progress against the quotas."""

    allowed_roles = (Role.CADRE,)
    template_name = "liaison/workbench.html"
    title = "我的工作台"

    def get_context_data(self, **kwargs):
        from django.template.loader import render_to_string

        from liaison.compliance.engine import STATUS_LABELS, compute_compliance
        from liaison.compliance.registry import METRIC_LABELS, metric_unit
        from liaison.workbench import workbench_context

        request, today = self.request, timezone.localdate()
        cadre = selectors.user_cadre(request.user)
        year = year_param(request.GET.get("year"), today.year)
        context = super().get_context_data(cadre=cadre, year=year, years=range(
            today.year, today.year - 5, -1), **kwargs)
        if cadre is None:
            return context
        parts = workbench_context(request, cadre, year)
        rows = compute_compliance(year=year, cadre=cadre,
                                  as_of=today if year == today.year else None)
        context.update(
            actions=parts["actions"],
            panels=[render_to_string(panel.template_name,
                                     {**panel_context, "cadre": cadre, "year": year},
                                     request=request)
                    for panel, panel_context in parts["panels"]],
            progress=[{
                "label": METRIC_LABELS.get(row.metric, row.metric),
                "unit": metric_unit(row.metric),
                "target": row.target, "actual": row.actual,
                "expected": row.expected_to_date, "status": row.status,
                "status_label": STATUS_LABELS.get(row.status, row.status),
                "percent": min(100, row.actual * 100 // row.target) if row.target else 100,
            } for row in rows],
        )
        return context



class PersonalDataAccessListView(ObjectListView):
    """纪检监察 reads who saw or exported personal data in full."""

    model = PersonalDataAccess
    filterset_class = filters.PersonalDataAccessFilterSet
    title = "个人信息访问记录"
    empty_text = "暂无访问记录"
    columns = (
        Column("时间", "at"),
        Column("用户", "user.username"),
        Column("操作", "get_action_display"),
        Column("记录类型", "record_type"),
        Column("记录", "record_label"),
        Column("条数", "rows"),
        Column("事由", "reason"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("user")


class NotificationListView(PageView):
    """我的通知: the user's in-app notifications, newest first; opening the page reads them."""

    allowed_roles = Role.ALL
    template_name = "liaison/notifications.html"
    title = "我的通知"

    def get_context_data(self, **kwargs):
        notices = Notification.objects.filter(user=self.request.user)
        page = Paginator(notices, 30).get_page(self.request.GET.get("page"))
        unread = [n.pk for n in page if n.read_at is None]
        context = super().get_context_data(page=page, unread=set(unread), **kwargs)
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
        return context
