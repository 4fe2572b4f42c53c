"""Pledge and registration pages on the generic views."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from liaison.attachments import attachment_response
from liaison.exports import pdf_response, spreadsheet_response
from liaison.forms import add_validation_error
from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    RoleRequiredMixin,
)
from liaison.models import Cadre, Organization, Position
from liaison.params import year_param
from liaison.pdf import render_pdf
from liaison.permissions import (
    CHANGE,
    VIEW,
    Role,
    can,
    grants_with,
    has_role,
    is_unrestricted,
    subtree_q,
    user_grants,
)
from liaison.qr import qr_poster_pdf
from liaison.throttle import client_address, within_limit
from pledges import filters, forms
from pledges.models import (
    Pledge,
    PledgePost,
    PledgeProgress,
    PledgeReview,
    ProgressEvidence,
    Registration,
    ReviewCode,
    ServiceActivity,
)
from pledges.resources import PledgeResource, RegistrationResource
from pledges.sectors import BY_CODE, SECTORS, THREE_THREE_THREE, suggested_items
from pledges.selectors import (
    can_vet,
    feedback_letter,
    grade_sheet,
    pending_vetting,
    public_evidence,
    scoped_evidence,
    scoped_progress,
    vettable_pledges,
)
from pledges.services import (
    item_timelines,
    pledge_amend,
    pledge_post_save,
    pledge_progress_add,
    pledge_publish,
    pledge_review,
    pledge_review_by_code,
    pledge_submit,
    pledge_vet,
    progress_evidence_add,
    progress_evidence_delete,
    progress_notes,
    review_codes_issue,
    review_kind_for,
    review_summary,
    service_hours_record,
    service_signup,
)


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
        Column("状态", "get_stage_display"), Column("公开日期", "published_on"),
        Column("评定等次", "get_rating_display"),
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
                "can_print": has_role(user, Role.ORG_DEPT, Role.UNIT_ADMIN, Role.SYSADMIN),
                "can_grade_sheet": has_role(user, *GradeSheetView.allowed_roles,
                                            Role.SYSADMIN),
                "pending": pending_vetting(user).count()}


class PledgeDetailView(ObjectDetailView):
    model = Pledge
    template_name = "pledges/pledge_detail.html"
    url_base = "pledges:pledge"
    fields = (
        Column("干部", "cadre.name"), Column("年度", "year"),
        Column("所在党组织", "organization.name"), Column("所在岗位", "post"),
        Column("岗位职责", "post.responsibilities"),
        Column("领域", "get_sector_display"), Column("状态", "get_stage_display"),
        Column("公开日期", "published_on"), Column("评定等次", "get_rating_display"),
        Column("评定日期", "rated_on"),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pledge = context["object"]
        context.update(items=item_timelines(pledge), can_vet=can_vet(self.request.user, pledge),
                       amendments=pledge.amendments.order_by("date", "pk"),
                       reviews=pledge.reviews.select_related("reviewer").order_by("kind", "pk"))
        return context


class PledgeEditView(ObjectEditView):
    model = Pledge
    form_class = forms.PledgeForm
    template_name = "pledges/pledge_edit.html"

    def get_initial(self) -> dict:
        """?sector= picks a sector and starts from its suggested items (七个领域)."""
        code = self.request.GET.get("sector", "")
        return {"sector": code, "items": suggested_items(code)} if code in BY_CODE else {}

    def render(self, form, obj):
        response = super().render(form, obj)
        response.context_data.update(sectors=SECTORS, three=THREE_THREE_THREE)
        return response


class PledgeStepView(RoleRequiredMixin, View):
    """A one-button step on a pledge the user may change (提交审核, 公开): POST only."""

    model = Pledge
    policy_action = CHANGE
    http_method_names = ["post"]
    done = ""

    def post(self, request, pk):
        pledge = get_object_or_404(Pledge.objects.restrict(request.user, CHANGE), pk=pk)
        try:
            self.step(pledge)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, self.done)
        return redirect(pledge.get_absolute_url())


class PledgeSubmitView(PledgeStepView):
    done = "已提交党组织审核"

    def step(self, pledge):
        pledge_submit(pledge=pledge, acting_user=self.request.user)


class PledgePublishView(PledgeStepView):
    done = "承诺已公开，内容和公开日期自即日起不能直接修改"

    def step(self, pledge):
        pledge_publish(pledge=pledge, acting_user=self.request.user)


VETTERS = (Role.CADRE, Role.UNIT_ADMIN)  # a secretary (a cadre) or the unit admin in scope


class VettingListView(RoleRequiredMixin, View):
    """承诺审核: the pledges waiting for the user's vetting."""

    allowed_roles = VETTERS

    def get(self, request):
        return TemplateResponse(request, "pledges/vetting.html", {
            "pledges": pending_vetting(request.user), "title": "承诺审核"})


class PledgeVetView(RoleRequiredMixin, View):
    """The Party organization approves a submitted pledge, or returns it with a reason."""

    allowed_roles = VETTERS
    model = Pledge

    def get_object(self):
        return get_object_or_404(vettable_pledges(self.request.user)
                                 .select_related("cadre", "organization"), pk=self.kwargs["pk"])

    def render(self, pledge, form):
        return TemplateResponse(self.request, "pledges/pledge_vet.html", {
            "pledge": pledge, "form": form, "items": pledge.item_list(),
            "can_view": can(self.request.user, VIEW, pledge), "title": f"审核：{pledge}"})

    def get(self, request, pk):
        return self.render(self.get_object(), forms.VetForm())

    def post(self, request, pk):
        pledge = self.get_object()
        form = forms.VetForm(request.POST)
        if form.is_valid():
            approve = form.cleaned_data["decision"] == forms.VetForm.APPROVE
            try:
                pledge_vet(pledge=pledge, approve=approve, reason=form.cleaned_data["reason"],
                           acting_user=request.user)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, "已审核通过" if approve else "已退回，党员将看到退回原因")
                return redirect("pledges:vetting")
        return self.render(pledge, form)


class PledgeDeleteView(ObjectDeleteView):
    model = Pledge
    success_url_name = "pledges:pledge_list"

    def check_delete(self, obj) -> None:
        if obj.published_on:
            raise PermissionDenied("承诺已公开，不能删除；内容如需更正，请用「修改承诺」登记")


class MembersColumn(Column):
    def value(self, obj):
        return "、".join(cadre.name for cadre in obj.members.all())


class PledgePostListView(ObjectListView):
    """设岗定责: the posts of the units in the user's scope and their members."""

    model = PledgePost
    filterset_class = filters.PledgePostFilterSet
    create_url_name = "pledges:post_create"
    title = "党员岗位（设岗定责）"
    empty_text = "暂无党员岗位"
    columns = (Column("岗位名称", "name", link=True), Column("岗位类型", "get_kind_display"),
               Column("设岗单位", "organization.name"), MembersColumn("在岗党员", "members"))

    def get_queryset(self):
        return super().get_queryset().select_related("organization") \
            .prefetch_related("members")


class PledgePostDetailView(ObjectDetailView):
    model = PledgePost
    url_base = "pledges:post"
    fields = (Column("岗位名称", "name"), Column("岗位类型", "get_kind_display"),
              Column("设岗单位", "organization.name"), Column("岗位职责", "responsibilities"),
              MembersColumn("在岗党员", "members"))


class PledgePostEditView(ObjectEditView):
    model = PledgePost
    form_class = forms.PledgePostForm

    def save_form(self, form):
        return pledge_post_save(post=form.save(commit=False), acting_user=self.request.user,
                                members=form.cleaned_data["members"])


class PledgePostDeleteView(ObjectDeleteView):
    model = PledgePost
    success_url_name = "pledges:post_list"


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
    template_name = "pledges/registration_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        quarter = (today.month - 1) // 3 + 1
        context["quarters"] = [(today.year, q) for q in range(quarter, 0, -1)] + \
            [(today.year - 1, 4)]
        context["can_letter"] = has_role(self.request.user, *FeedbackLetterView.allowed_roles,
                                         Role.SYSADMIN)
        return context
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
                add_validation_error(form, exc)
            else:
                messages.success(request, f"已保存：{self.heading}")
                return redirect(pledge.get_absolute_url())
        return self.render(pledge, form)


class PledgeProgressView(PledgeActionView):
    heading = "登记践诺进展"

    def make_form(self, pledge, data=None):
        return forms.ProgressForm(data, self.request.FILES if data is not None else None,
                                  pledge=pledge)

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


# --- evidence of progress notes (践诺佐证材料: photos, documents) ------------------------------


class ProgressEvidenceAddView(RoleRequiredMixin, View):
    """Add photos or documents to a progress note of a pledge the user may change."""

    allowed_roles = Role.LEDGER_WRITERS  # the roles that change pledges (its policy)
    model = PledgeProgress

    def get_object(self):
        return get_object_or_404(scoped_progress(self.request.user, CHANGE),
                                 pk=self.kwargs["pk"])

    def render(self, progress, form):
        return TemplateResponse(self.request, "pledges/pledge_action.html", {
            "object": progress.pledge, "form": form,
            "title": f"添加佐证材料：{progress}"})

    def get(self, request, pk):
        return self.render(self.get_object(), forms.EvidenceForm())

    def post(self, request, pk):
        progress = self.get_object()
        form = forms.EvidenceForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                added = progress_evidence_add(progress=progress, files=form.cleaned_data["files"],
                                              acting_user=request.user)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, f"已上传佐证材料 {len(added)} 个")
                return redirect(progress.pledge.get_absolute_url())
        return self.render(progress, form)


class ProgressEvidenceDownloadView(RoleRequiredMixin, View):
    """A piece of evidence for whoever may see the pledge (its scope; 404 outside it)."""

    allowed_roles = Role.LIAISON  # the roles that view pledges (its policy)
    model = ProgressEvidence

    def get(self, request, pk):
        evidence = get_object_or_404(scoped_evidence(request.user, VIEW), pk=pk)
        return evidence_response(evidence, filename=evidence.original_name)


class ProgressEvidenceDeleteView(RoleRequiredMixin, View):
    allowed_roles = Role.LEDGER_WRITERS
    model = ProgressEvidence

    def get_object(self):
        return get_object_or_404(scoped_evidence(self.request.user, CHANGE), pk=self.kwargs["pk"])

    def get(self, request, pk):
        evidence = self.get_object()
        return TemplateResponse(request, "pledges/evidence_delete.html", {
            "object": evidence, "pledge": evidence.progress.pledge, "title": "删除佐证材料"})

    def post(self, request, pk):
        evidence = self.get_object()
        pledge = evidence.progress.pledge
        try:
            progress_evidence_delete(evidence=evidence, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已删除佐证材料：{evidence.original_name}")
        return redirect(pledge.get_absolute_url())


def evidence_response(evidence, *, filename: str):
    if not evidence.file or not evidence.file.storage.exists(evidence.file.name):
        raise Http404("文件不存在")
    return attachment_response(evidence.file, filename=filename,
                               content_type=evidence.content_type)


@method_decorator(login_not_required, name="dispatch")
class PublicEvidenceView(View):
    """A photo on the public board (no login): only by its unguessable key, only a photo of a
    published pledge of the board's organization; anything else is 404. The uploader's file
    name is not given out."""

    def get(self, request, code, key):
        evidence = get_object_or_404(public_evidence(code), key=key)
        extension = evidence.file.name.rsplit(".", 1)[-1]
        return evidence_response(evidence, filename=f"践诺照片.{extension}")


def board_year(request) -> int:
    today = timezone.localdate()
    return year_param(request.GET.get("year"), today.year, latest=today.year + 1)


def masses_verdicts(kinds: dict) -> list[tuple[str, int]]:
    counts = kinds.get(PledgeReview.Kind.MASSES, {})
    return [(label, counts.get(value, 0)) for value, label in PledgeReview.Verdict.choices]


@method_decorator(login_not_required, name="dispatch")
class PublicPledgeBoardView(View):
    """亮承诺: an organization's published pledges of a year (no login), each item with its
    status and dated progress, and every amendment with its date."""

    def get(self, request, code):
        organization = get_object_or_404(Organization, code=code)
        year = board_year(request)
        pledges = Pledge.objects.filter(organization=organization, year=year,
                                        published_on__isnull=False) \
            .select_related("cadre", "post").prefetch_related("amendments").order_by("cadre__code")
        page = Paginator(pledges, 30).get_page(request.GET.get("page"))
        reviews = review_summary(list(page))
        notes = progress_notes([p.pk for p in page])
        return TemplateResponse(request, "pledges/public_board.html", {
            "organization": organization, "year": year, "page": page,
            "querystring": f"year={year}",
            "boards": [(p, item_timelines(p, notes.get(p.pk, [])),
                        masses_verdicts(reviews.get(p.pk, {}))) for p in page],
            "title": f"{organization.name}{year}年党员承诺公开栏"})


POSTER_LINES = ["亮身份 · 亮承诺 · 亮标准", "扫码查看我们的党员承诺和践诺进展，欢迎群众监督"]


class PledgePosterView(RoleRequiredMixin, View):
    """An A4 poster (PDF) with the QR code of an organization's pledge board (亮承诺)."""

    allowed_roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)

    def get(self, request, code):
        organization = get_object_or_404(Organization.objects.restrict(request.user, VIEW),
                                         code=code)
        url = request.build_absolute_uri(reverse("pledges:board", args=[organization.code]))
        pdf = qr_poster_pdf(title="党员承诺公开栏", subtitle=organization.name, url=url,
                            user=request.user, lines=POSTER_LINES)
        return pdf_response(pdf, f"承诺公开栏二维码-{organization.name}")


# --- evaluation (评议定级) -----------------------------------------------------------------


class GradeSheetView(RoleRequiredMixin, View):
    """评议定级表 (A4 PDF): an organization's rated pledges of a year, their reviews by kind
    and their grades, for the units' keepers and readers of the organization's subtree."""

    allowed_roles = (Role.ORG_DEPT, Role.UNIT_ADMIN, Role.INSPECTOR)

    def get(self, request, code):
        user = request.user
        kept = Organization.objects.all() if is_unrestricted(user) else \
            Organization.objects.filter(subtree_q(grants_with(user, *self.allowed_roles), "path"))
        organization = get_object_or_404(kept, code=code)
        year = board_year(request)
        title = f"{organization.name}{year}年党员承诺评议定级表"
        pdf = render_pdf("pledges/grade_sheet_pdf.html", {
            "title": title, "organization": organization, "year": year,
            "as_of": timezone.localdate(), "sheet": grade_sheet(organization, year)}, user=user)
        return pdf_response(pdf, f"评议定级表-{organization.name}-{year}")


def reviewable_pledges(user):
    """Pledges the user may review: those they may read, and the published pledges of the
    organizations they serve in now (their fellow members', for 互评)."""
    serving = Position.objects.active_on(timezone.localdate()).filter(
        cadre__user=user).values("organization")
    return Pledge.objects.filter(Q(pk__in=Pledge.objects.restrict(user, VIEW).values("pk"))
                                 | Q(organization__in=serving, published_on__isnull=False))


class PledgeReviewView(RoleRequiredMixin, View):
    """自评, 党员互评 or 领导点评 of a published pledge, by who the user is to it."""

    allowed_roles = (Role.CADRE, Role.UNIT_ADMIN, Role.ORG_DEPT)
    model = Pledge

    def setup_review(self, request, pk):
        pledge = get_object_or_404(reviewable_pledges(request.user).select_related("cadre"),
                                   pk=pk)
        leader = has_role(request.user, Role.UNIT_ADMIN, Role.ORG_DEPT) and can(
            request.user, CHANGE, pledge)
        reviewer = Cadre.objects.filter(user=request.user).first()
        return pledge, reviewer, review_kind_for(pledge, reviewer, leader=leader)

    def render(self, pledge, kind, form):
        label = PledgeReview.Kind(kind).label if kind else "评议"
        return TemplateResponse(self.request, "pledges/pledge_action.html", {
            "object": pledge, "form": form, "title": f"{label}：{pledge}"})

    def get(self, request, pk):
        pledge, _, kind = self.setup_review(request, pk)
        return self.render(pledge, kind, forms.ReviewForm())

    def post(self, request, pk):
        pledge, reviewer, kind = self.setup_review(request, pk)
        form = forms.ReviewForm(request.POST)
        if form.is_valid():
            try:
                pledge_review(pledge=pledge, reviewer=reviewer, kind=kind,
                              **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "评议已提交")
                return redirect(pledge.get_absolute_url()
                                if can(request.user, VIEW, pledge) else "pledges:pledge_list")
        return self.render(pledge, kind, form)


PUBLIC_REVIEWS_PER_ADDRESS = (10, 3600)  # guesses at codes are slowed down


@method_decorator(login_not_required, name="dispatch")
class PublicPledgeReviewView(View):
    """群众评议 from the public board, with a one-time code handed out by the unit."""

    model = Pledge

    def setup_review(self, code, pk):
        return get_object_or_404(Pledge.objects.select_related("cadre", "organization"),
                                 pk=pk, organization__code=code, published_on__isnull=False)

    def render(self, pledge, form, status=200):
        return TemplateResponse(self.request, "pledges/public_review.html", {
            "pledge": pledge, "form": form, "title": f"评议{pledge.cadre.name}的承诺"},
            status=status)

    def get(self, request, code, pk):
        return self.render(self.setup_review(code, pk), forms.PublicReviewForm())

    def post(self, request, code, pk):
        pledge = self.setup_review(code, pk)
        form = forms.PublicReviewForm(request.POST)
        if not within_limit(f"pledge-review:{client_address(request)}",
                            *PUBLIC_REVIEWS_PER_ADDRESS):
            form.add_error(None, "尝试次数过多，请一小时后再试")
            return self.render(pledge, form, status=429)
        if form.is_valid():
            try:
                pledge_review_by_code(pledge=pledge, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("code", exc.message_dict.get("code", exc.messages))
            else:
                messages.success(request, "感谢您的评议")
                return redirect(reverse("pledges:board", args=[code])
                                + f"?year={pledge.year}")
        return self.render(pledge, form)


class ReviewCodesView(RoleRequiredMixin, View):
    """The one-time codes of an organization and year: issue more, see which were used,
    export them to print on slips."""

    allowed_roles = (Role.ORG_DEPT, Role.UNIT_ADMIN)

    def get_organization(self, code):
        """An organization under the user's keeper grants."""
        user = self.request.user
        kept = Organization.objects.all() if is_unrestricted(user) else \
            Organization.objects.filter(subtree_q(grants_with(user, *self.allowed_roles), "path"))
        return get_object_or_404(kept, code=code)

    def render(self, organization, year, form):
        codes = ReviewCode.objects.filter(organization=organization, year=year)
        if self.request.GET.get("export") == "xlsx":
            return spreadsheet_response(tablib.Dataset(
                *[(c.code, "已使用" if c.used_at else "未使用") for c in codes],
                headers=["评议码", "状态"]), "xlsx", f"评议码-{organization.name}-{year}")
        return TemplateResponse(self.request, "pledges/review_codes.html", {
            "organization": organization, "year": year, "form": form, "codes": codes,
            "used": codes.filter(used_at__isnull=False).count(),
            "title": f"{organization.name}{year}年群众评议码"})

    def get(self, request, code):
        organization = self.get_organization(code)
        year = board_year(request)
        return self.render(organization, year, forms.IssueCodesForm(initial={"year": year}))

    def post(self, request, code):
        organization = self.get_organization(code)
        form = forms.IssueCodesForm(request.POST)
        if form.is_valid():
            issued = review_codes_issue(organization=organization, acting_user=request.user,
                                        **form.cleaned_data)
            messages.success(request, f"已生成 {len(issued)} 个评议码")
            return redirect(reverse("pledges:review_codes", args=[code])
                            + f"?year={form.cleaned_data['year']}")
        return self.render(organization, board_year(request), form)


# --- community service (双报到): needs list, volunteer activities, hours, feedback letters ----


class ServiceActivityListView(ObjectListView):
    model = ServiceActivity
    create_url_name = "pledges:activity_create"
    title = "社区需求和志愿服务"
    empty_text = "暂无社区需求或志愿服务活动"
    columns = (Column("名称", "title", link=True), Column("类型", "get_kind_display"),
               Column("社区", "community.name"), Column("日期", "date"),
               Column("需要人数", "capacity"))

    def get_queryset(self):
        return super().get_queryset().select_related("community")


class ServiceActivityDetailView(ObjectDetailView):
    model = ServiceActivity
    template_name = "pledges/activity_detail.html"
    url_base = "pledges:activity"
    fields = (Column("类型", "get_kind_display"), Column("社区", "community.name"),
              Column("日期", "date"), Column("内容", "description"),
              Column("需要人数", "capacity"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = context["object"]
        signups = activity.signups.select_related("cadre").order_by("signed_at")
        me = Cadre.objects.filter(user=self.request.user).first()
        context.update(signups=signups, total=sum((s.hours or 0) for s in signups),
                       signed_up=me is not None and any(s.cadre_id == me.pk for s in signups),
                       can_sign_up=me is not None and has_role(self.request.user, Role.CADRE))
        return context


class ServiceActivityEditView(ObjectEditView):
    model = ServiceActivity
    form_class = forms.ServiceActivityForm


class ServiceActivityDeleteView(ObjectDeleteView):
    model = ServiceActivity
    success_url_name = "pledges:activity_list"


class ServiceSignupView(RoleRequiredMixin, View):
    """报名: a registered member signs up for a need or an activity (POST)."""

    allowed_roles = (Role.CADRE,)
    model = ServiceActivity
    http_method_names = ["post"]

    def post(self, request, pk):
        activity = get_object_or_404(ServiceActivity.objects.restrict(request.user, VIEW),
                                     pk=pk)
        try:
            service_signup(activity=activity, cadre=Cadre.objects.filter(user=request.user)
                           .first(), acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "报名成功")
        return redirect(activity.get_absolute_url())


class ServiceHoursView(RoleRequiredMixin, View):
    """The community records the members' service hours (POST from the activity's page)."""

    model = ServiceActivity
    policy_action = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        activity = get_object_or_404(ServiceActivity.objects.restrict(request.user, CHANGE),
                                     pk=pk)
        hours, bad = {}, []
        for signup in activity.signups.select_related("cadre"):
            text = request.POST.get(f"hours-{signup.pk}", "").strip()
            try:
                hours[signup.pk] = Decimal(text).quantize(Decimal("0.1")) if text else None
            except InvalidOperation:
                bad.append(signup.cadre.name)
        if bad:
            messages.error(request, f"{'、'.join(bad)}的服务时长不是有效数字")
            return redirect(activity.get_absolute_url())
        try:
            changed = service_hours_record(activity=activity, hours=hours,
                                           acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已记录服务时长（{changed} 人）")
        return redirect(activity.get_absolute_url())


class FeedbackLetterView(RoleRequiredMixin, View):
    """The community's quarterly feedback letter (PDF) to a registered member's employer."""

    allowed_roles = (Role.ORG_DEPT, Role.UNIT_ADMIN, Role.INSPECTOR)
    model = Registration

    def get(self, request, pk):
        registration = get_object_or_404(Registration.objects.restrict(request.user, VIEW)
                                         .select_related("cadre", "community"), pk=pk)
        today = timezone.localdate()
        form = forms.LetterForm(request.GET or {"year": today.year,
                                                "quarter": (today.month - 1) // 3 + 1})
        if not form.is_valid():
            raise Http404("年度或季度无效")
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        title = f"在职党员到社区报到情况反馈函（{year}年第{quarter}季度）"
        pdf = render_pdf("pledges/feedback_letter_pdf.html", {
            "title": title, "registration": registration, "year": year, "quarter": quarter,
            "as_of": today, "letter": feedback_letter(registration, year, quarter)},
            user=request.user)
        return pdf_response(pdf, f"报到反馈函-{registration.cadre.name}-{year}Q{quarter}")
