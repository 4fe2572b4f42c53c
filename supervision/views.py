from __future__ import annotations

import datetime as dt
from itertools import zip_longest

import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from liaison.charts import MONTHS
from liaison.compliance.engine import STATUS_LABELS, Window
from liaison.compliance.registry import METRIC_LABELS
from liaison.exports import pdf_response, spreadsheet_response, workbook_response
from liaison.forms import add_validation_error
from liaison.generic_views import (
    Column,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PageView,
    RoleRequiredMixin,
    export_response,
)
from liaison.models import Cadre, Category, ClosedYear, Organization
from liaison.params import date_param, id_param, year_param
from liaison.pdf import render_pdf
from liaison.permissions import CHANGE, LIST, VIEW, Role, grants_with, has_role, subtree_q
from liaison.sections import SECTIONS, sections
from liaison.services import year_close, year_reopen
from supervision import charts, filters, forms, jobs, selectors, services
from supervision.forms import QuotaTableForm
from supervision.models import (
    ComplianceResult,
    ComplianceRun,
    FlagRun,
    Inspection,
    PlausibilityFlag,
    Rectification,
    ReportFile,
    SpotCheck,
    SpotCheckItem,
)
from supervision.resources import FlagResource, SpotItemResource, verifier_name
from supervision.scopes import INSPECTED, INSPECTORS

READERS = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)
RUNNERS = (Role.ORG_DEPT,)


class ReportWindowMixin:
    """Year and as-of date from the query string (defaults of spec §3)."""

    def window(self) -> Window:
        today = timezone.localdate()
        year = year_param(self.request.GET.get("year"), today.year, latest=today.year + 1)
        try:
            return Window.for_year(year, date_param(self.request.GET.get("as_of")), today=today)
        except ValueError:  # an as-of date outside the year
            return Window.for_year(year, today=today)

    def unit(self) -> Organization | None:
        """The unit drilled into (?unit=), one the user may see; None for the whole scope."""
        if unit_id := id_param(self.request.GET.get("unit")):
            return get_object_or_404(Organization.objects.restrict(self.request.user, VIEW),
                                     pk=unit_id)
        return None

    def window_and_run(self) -> tuple[Window, ComplianceRun | None]:
        """The asked-for date's results; without a date, the year's latest results (e.g. last
        night's run), so the page answers at once instead of waiting for a recomputation."""
        window = self.window()
        run = selectors.published_run(window.year, window.as_of)
        if run is None and not self.request.GET.get("as_of"):
            run = selectors.latest_published_run(window.year)
            if run is not None:
                window = Window(run.year, run.as_of)
        return window, run


def _row_labels(result) -> dict:
    return {"metric_label": METRIC_LABELS.get(result.metric, result.metric),
            "status_label": STATUS_LABELS.get(result.status, result.status)}


class DashboardView(ReportWindowMixin, PageView):
    """District overview, or one unit's when ?unit= is given (drill-down)."""

    allowed_roles = READERS
    template_name = "supervision/dashboard.html"
    title = "督查看板"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        table = request.GET.get("export")
        if table and context.get("run"):
            return self.export(context, table)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        window, run = self.window_and_run()
        unit = self.unit()
        context = super().get_context_data(window=window, unit=unit, run=run,
                                           scope_label=self.scope_label(),
                                           saved_since=selectors.records_saved_since(
                                               run.finished_at if run else None),
                                           can_run=has_role(self.request.user, *RUNNERS),
                                           can_bulletin=has_role(self.request.user,
                                                                 Role.ORG_DEPT, Role.INSPECTOR),
                                           can_official_bulletin=has_role(self.request.user,
                                                                          Role.ORG_DEPT),
                                           pending=services.active_run(window.year,
                                                                       window.as_of),
                                           section_links=sections_for(self.request.user),
                                           overdue_rectifications=Rectification.objects
                                           .restrict(self.request.user, VIEW)
                                           .filter(selectors.overdue_q()).count(),
                                           **kwargs)
        if run is None:
            return context
        if self.request.GET.get("export"):
            context.update(self.figures(run, unit))
        else:
            context["figures_html"] = self.figures_html(run, unit, window)
        if unit is not None:  # the unit's own figures, each with the records it counts
            context["own_rows"] = selectors.figures_with_records(
                self.results(run, unit).filter(selectors.own_figures_q(unit)), window,
                reader=self.request.user)
        return context

    def results(self, run, unit):
        results = selectors.visible_results(self.request.user, run)
        return results if unit is None else results.filter(org_path__startswith=unit.path)

    def figures(self, run, unit) -> dict:
        results = self.results(run, unit)
        metrics = selectors.by_metric(results)
        units = selectors.by_unit(results, unit)
        return {"metrics": metrics, "metric_chart": charts.status_bars(metrics),
                "categories": selectors.by_category(results), "units": units,
                "units_ranked": selectors.ranked(units),
                "lagging": [(r, _row_labels(r)) for r in selectors.lagging(results)[:50]],
                "lagging_count": results.filter(status__in=selectors.LAGGING).count()}

    def figures_html(self, run, unit, window) -> str:
        """The figures' tables, rendered once per run, unit and result scope and then served
        from the cache: a published run's rows never change (a new run has a new key), and
        at N=10 the aggregates over its 70,000 rows and the 800 table rows cost most of the
        page. The timeout only bounds how long a deployed template change waits."""
        from django.core.cache import cache
        from django.template.loader import render_to_string

        from supervision.scopes import result_scope_key

        key = (f"dashboard-figures:{run.pk}:{run.finished_at:%s%f}:{unit.pk if unit else 0}:"
               f"{result_scope_key(self.request.user)}")
        html = cache.get(key)
        if html is None:
            html = render_to_string("supervision/_dashboard_figures.html",
                                    {"window": window, "unit": unit, "run": run,
                                     **self.figures(run, unit)})
            cache.set(key, html, 60 * 60)
        return mark_safe(html)  # noqa: S308 — rendered above from our own template

    def scope_label(self) -> str:
        """全区 for district-wide readers, else the units the user's grants cover."""
        from liaison.permissions import grants_with, is_unrestricted

        grants = grants_with(self.request.user, *READERS)
        if is_unrestricted(self.request.user) or any(g.org_path.count("/") == 2 for g in grants):
            return "全区"
        names = Organization.objects.filter(pk__in=[g.org_id for g in grants])
        return "、".join(names.values_list("name", flat=True))

    def export(self, context, table: str) -> HttpResponse:
        sheet = tablib.Dataset()
        if table == "metrics":
            sheet.headers = ["指标", "已完成", "进度正常", "进度落后", "未完成", "合计", "完成率%"]
            for r in context["metrics"]:
                sheet.append([r["label"], r["met"], r["on_track"], r["behind"], r["not_met"],
                              r["total"], r["met_rate"]])
        elif table == "categories":
            sheet.headers = ["干部类别", "已完成", "进度正常", "进度落后", "未完成", "合计",
                             "完成率%"]
            for r in context["categories"]:
                sheet.append([r["label"], r["met"], r["on_track"], r["behind"], r["not_met"],
                              r["total"], r["met_rate"]])
        elif table == "units":
            sheet.headers = ["单位", "已完成", "进度正常", "进度落后", "未完成", "合计", "完成率%"]
            for r in context["units"]:
                sheet.append([r["unit"].name, r["met"], r["on_track"], r["behind"],
                              r["not_met"], r["total"], r["met_rate"]])
        else:
            raise Http404
        names = {"metrics": "指标完成情况", "categories": "各类干部完成情况",
                 "units": "各单位完成情况"}
        return spreadsheet_response(sheet, "xlsx", f"{context['window'].year}年{names[table]}")


def sections_for(user) -> list:
    """The systems' pages the user's roles may open, for the dashboard's links."""
    return [s for s in sections() if has_role(user, *s.roles)]


class SectionView(ReportWindowMixin, PageView):
    """One system's page of the dashboard (liaison.sections): figures the app computes live
    from its ledger through the user's scope, a unit drill-down, and an Excel export."""

    template_name = "supervision/section.html"

    @classmethod
    def roles_allowed(cls, initkwargs=None, kwargs=None):
        section = SECTIONS.get((kwargs or {}).get("name"))
        if section is None:
            raise Http404
        return tuple(section.roles)

    def get(self, request, *args, **kwargs):
        section = SECTIONS[kwargs["name"]]
        window, unit = self.window(), self.unit()
        if request.GET.get("export") and section.sheets is not None:
            # The export counts afresh: it is asked for rarely, and lists every record.
            return workbook_response(
                section.sheets(section.figures(request.user, window, unit)),
                f"{window.year}年{unit.name if unit else ''}{section.title}情况")
        shown = services.section_figures_shown(section, request.user, window, unit)
        return self.render_to_response(self.get_context_data(
            section=section, window=window, unit=unit, title=f"{section.title}情况",
            figures=shown.figures, computed_at=shown.computed_at, stale=shown.stale,
            counting=shown.figures is None and not shown.failed, failed=shown.failed,
            # rendered by section_figures.compute from the section's own template
            figures_html=mark_safe(shown.html),  # noqa: S308
            section_links=sections_for(request.user), **kwargs))


class TrendsView(ReportWindowMixin, PageView):
    """每月趋势: each ledger the user may read, counted month by month through the user's
    scope (one grouped statement each), as a small chart per ledger and one Excel sheet."""

    allowed_roles = (*READERS, Role.PETITIONS)
    template_name = "supervision/trends.html"
    title = "每月趋势"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("export"):
            sheet = tablib.Dataset(headers=["类别", "单位", *MONTHS, "合计"])
            for trend, values in context["series"]:
                counted = [n for n in values if n is not None]
                sheet.append([trend.label, trend.unit, *("" if n is None else n for n in values),
                              sum(counted)])
            unit_name = context["unit"].name if context["unit"] else ""
            return workbook_response([("每月趋势", sheet)],
                                     f"{context['window'].year}年{unit_name}每月趋势")
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        window, unit = self.window(), self.unit()
        trends = selectors.trend_charts(self.request.user, window, unit)
        series = [(trend, values) for trend, values, _ in trends]
        return super().get_context_data(
            window=window, unit=unit, series=series, trends_page=True, months=MONTHS,
            table=[{"label": trend.label, "unit": trend.unit, "values": values,
                    "total": sum(n for n in values if n is not None)}
                   for trend, values in series],
            charts=[chart for _, _, chart in trends],
            section_links=sections_for(self.request.user), **kwargs)


class RunCreateView(RoleRequiredMixin, View):
    allowed_roles = RUNNERS

    def post(self, request):
        try:
            year = int(request.POST["year"])
            as_of = dt.date.fromisoformat(request.POST["as_of"])
            with transaction.atomic():
                run = services.compliance_run_request(year=year, as_of=as_of,
                                                      acting_user=request.user)
        except (KeyError, ValueError):
            messages.error(request, "年度或截至日期无效")
            return redirect("supervision:dashboard")
        return redirect("supervision:run_detail", pk=run.pk)


class RunDetailView(RoleRequiredMixin, View):
    """Progress of a run: the page refreshes itself; ?format=json for scripts."""

    allowed_roles = READERS
    model = ComplianceRun

    def get(self, request, pk):
        jobs.fail_lost_jobs()
        run = get_object_or_404(ComplianceRun.objects.select_related("requested_by"), pk=pk)
        if request.GET.get("format") == "json":
            return JsonResponse({"id": run.pk, "status": run.status, "progress": run.progress,
                                 "rows": run.row_count, "status_label": run.get_status_display(),
                                 "finished": run.status not in ("pending", "running"),
                                 "error": run.error})
        dashboard = (reverse("supervision:dashboard")
                     + f"?year={run.year}&as_of={run.as_of:%Y-%m-%d}")
        return TemplateResponse(request, "supervision/run_detail.html", {
            "run": run, "title": str(run), "dashboard": dashboard,
            "finished": run.status not in ("pending", "running")})


class LaggingListView(ReportWindowMixin, PageView):
    """Everyone behind or not met, filterable, paginated, exportable."""

    allowed_roles = READERS
    template_name = "supervision/lagging.html"
    title = "进度落后及未完成名单"

    def get(self, request, *args, **kwargs):
        window, run = self.window_and_run()
        results = (selectors.lagging(selectors.visible_results(request.user, run))
                   if run else ComplianceResult.objects.none())
        metric, category = request.GET.get("metric"), request.GET.get("category")
        if metric:
            results = results.filter(metric=metric)
        if category:
            results = results.filter(category=category)
        if request.GET.get("export"):
            from supervision.resources import ResultResource

            return export_response(ResultResource(), results, request.GET["export"], "落后名单")
        page = Paginator(results, 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return TemplateResponse(request, self.template_name, {
            "title": self.title, "window": window, "run": run, "page": page,
            "rows": [(r, _row_labels(r)) for r in page.object_list],
            "querystring": query.urlencode(), "metric": metric, "category": category,
            "metric_choices": sorted(METRIC_LABELS.items()),
            "category_choices": Category.choices})


class CadreReportView(ReportWindowMixin, PageView):
    """A cadre's figures of the year, each with the records it counts (the first few on the
    page, every one in the PDF) so that an inspector can check the evidence."""

    allowed_roles = (*READERS, Role.CADRE)
    model = Cadre
    template_name = "supervision/cadre_report.html"
    record_limit: int | None = selectors.PAGE_RECORDS

    def get_context_data(self, **kwargs):
        from supervision.selfreport import is_leader, may_download

        cadre = get_object_or_404(Cadre.objects.restrict(self.request.user, VIEW),
                                  pk=self.kwargs["pk"])
        window, run = self.window_and_run()
        rows = []
        if run:
            rows = selectors.figures_with_records(
                selectors.visible_results(self.request.user, run).filter(
                    subject_type="cadre", subject_id=cadre.pk), window,
                reader=self.request.user, limit=self.record_limit)
        # Plausibility flags are for 组织部 and 纪检监察 only (issue #13).
        if has_role(self.request.user, *INSPECTORS):
            kwargs["flag_count"] = selectors.flag_count(self.request.user, cadre)
        return super().get_context_data(cadre=cadre, window=window, run=run, rows=rows,
                                        saved_since=selectors.records_saved_since(
                                            run.finished_at if run else None),
                                        self_report=is_leader(cadre, window.year)
                                        and may_download(self.request.user, cadre),
                                        title=f"{cadre.name}的年度完成情况", **kwargs)


class CadreReportPdfView(CadreReportView):
    record_limit = None  # the PDF lists every record

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        pdf = render_pdf("supervision/pdf/cadre.html", {
            **context, "year": context["window"].year, "as_of": context["window"].as_of},
            user=request.user)
        return pdf_response(pdf, f"{context['window'].year}年干部报告-{context['cadre'].code}")


class UnitReportPdfView(ReportWindowMixin, PageView):
    allowed_roles = READERS
    model = Organization

    def get(self, request, pk):
        unit = get_object_or_404(Organization.objects.restrict(request.user, VIEW), pk=pk)
        window, run = self.window_and_run()
        if run is None:
            messages.error(request, "该年度和截至日期尚未计算，请先计算")
            return redirect(reverse("supervision:dashboard") + f"?unit={unit.pk}")
        results = selectors.visible_results(request.user, run).filter(
            org_path__startswith=unit.path)
        metrics = selectors.by_metric(results)
        own = selectors.figures_with_records(
            results.filter(selectors.own_figures_q(unit)), window,
            reader=request.user, limit=None)
        pdf = render_pdf("supervision/pdf/unit.html", {
            "own_rows": own,
            "title": f"{unit.name}联系服务群众工作完成情况", "unit": unit, "run": run,
            "year": window.year, "as_of": window.as_of, "metrics": metrics,
            "chart": charts.status_bars(metrics),
            "units": selectors.by_unit(results, unit),
            "lagging": [(r, _row_labels(r)) for r in selectors.lagging(results)]},
            user=request.user)
        return pdf_response(pdf, f"{window.year}年单位报告-{unit.name}")


class BulletinView(ReportWindowMixin, RoleRequiredMixin, View):
    """The district bulletin (通报): built by a Celery task, downloaded when ready."""

    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR)

    def post(self, request):
        window = self.window_from(request.POST)
        if selectors.published_run(window.year, window.as_of) is None:
            messages.error(request, "该年度和截至日期尚未计算，请先计算")
            return redirect("supervision:dashboard")
        with transaction.atomic():
            report = services.bulletin_request(window=window, acting_user=request.user)
        return redirect("supervision:report_detail", pk=report.pk)

    def window_from(self, data) -> Window:
        try:
            return Window.for_year(int(data["year"]), dt.date.fromisoformat(data["as_of"]))
        except (KeyError, ValueError):
            return Window.for_year(timezone.localdate().year, today=timezone.localdate())


class OfficialBulletinView(RoleRequiredMixin, View):
    """组织部's quarterly district bulletin in the 红头 layout: the period, the document number
    (文号) and the issuing body (发文机关) are set here; the PDF is built in the background and
    downloaded from its report page. Lists the user's earlier official bulletins."""

    allowed_roles = (Role.ORG_DEPT,)
    template_name = "supervision/official_bulletin.html"

    def get(self, request):
        return self.render(forms.OfficialBulletinForm(today=timezone.localdate()))

    def post(self, request):
        form = forms.OfficialBulletinForm(request.POST, today=timezone.localdate())
        if form.is_valid():
            data = form.cleaned_data
            try:
                report = services.official_bulletin_request(
                    year=data["year"], period=data["period"], doc_number=data["doc_number"],
                    issuer=data["issuer"], acting_user=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, f"已开始生成{report.doc_number}，完成后可在本页下载")
                return redirect("supervision:report_detail", pk=report.pk)
        return self.render(form, status=400)

    def render(self, form, status=200):
        earlier = ReportFile.objects.filter(kind=services.OFFICIAL_BULLETIN,
                                            requested_by=self.request.user)[:20]
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "title": "季度通报（红头文件）", "earlier": earlier}, status=status)


class ReportDetailView(RoleRequiredMixin, View):
    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR)
    model = ReportFile

    def get(self, request, pk):
        jobs.fail_lost_jobs()
        report = get_object_or_404(ReportFile, pk=pk, requested_by=request.user)
        finished = report.status != ReportFile.Status.PENDING
        if request.GET.get("format") == "json":
            return JsonResponse({"id": report.pk, "status": report.status,
                                 "status_label": report.get_status_display(),
                                 "progress": 100 if finished else report.progress,
                                 "finished": finished, "error": report.error})
        official = report.kind == services.OFFICIAL_BULLETIN
        if request.GET.get("download"):
            if report.status != ReportFile.Status.DONE:
                raise Http404
            name = (f"{report.doc_number}{report.params.get('period_label')}通报" if official
                    else f"{report.params.get('year')}年区通报")
            return FileResponse(report.file.open("rb"), as_attachment=True,
                                filename=f"{name}.pdf", content_type="application/pdf")
        return TemplateResponse(request, "supervision/report_detail.html", {
            "report": report, "title": report.doc_number if official else "区通报",
            "official": official, "finished": finished})


# --- quota tables and closed years (组织部) ------------------------------------------------------


class QuotaTableView(RoleRequiredMixin, View):
    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR)
    template_name = "supervision/quotas.html"

    def get_year(self) -> int:
        try:
            return int(self.request.GET.get("year") or self.request.POST.get("year")
                       or timezone.localdate().year)
        except ValueError:
            raise Http404 from None

    def get(self, request):
        year = self.get_year()
        return self.render(QuotaTableForm(year=year), year)

    def post(self, request):
        if not has_role(request.user, Role.ORG_DEPT):
            raise PermissionDenied("只有组织部可以修改年度指标要求")
        year = self.get_year()
        form = QuotaTableForm(request.POST, year=year)
        if form.is_valid():
            changed = services.quota_table_save(year=year, values=form.values(),
                                                acting_user=request.user)
            messages.success(request, f"{year}年度指标要求已保存（修改 {changed} 项）")
            return redirect(reverse("supervision:quotas") + f"?year={year}")
        return self.render(form, year)

    def render(self, form, year):
        return TemplateResponse(self.request, self.template_name, {
            "form": form, "year": year, "title": f"{year}年度指标要求",
            "can_edit": has_role(self.request.user, Role.ORG_DEPT),
            "has_own_table": form.has_own_table})


class ClosedYearsView(RoleRequiredMixin, View):
    allowed_roles = (Role.ORG_DEPT, Role.INSPECTOR)

    def get(self, request):
        this_year = timezone.localdate().year
        closed = {c.year: c for c in ClosedYear.objects.select_related("closed_by")}
        years = [(y, closed.get(y)) for y in range(this_year, this_year - 6, -1)]
        return TemplateResponse(request, "supervision/years.html", {
            "years": years, "title": "年度关闭", "can_edit": has_role(request.user, Role.ORG_DEPT),
            "history": ClosedYear.history.select_related("history_user")[:20]})

    def post(self, request):
        if not has_role(request.user, Role.ORG_DEPT):
            raise PermissionDenied("只有组织部可以关闭或重新开放年度")
        try:
            year = int(request.POST["year"])
            if request.POST.get("action") == "reopen":
                year_reopen(year=year, acting_user=request.user)
                messages.success(request, f"{year}年已重新开放")
            else:
                year_close(year=year, acting_user=request.user)
                messages.success(request, f"{year}年已关闭，该年度记录不能再修改")
        except (KeyError, ValueError):
            messages.error(request, "年度无效")
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("supervision:years")


# --- inspections and rectification (督查与整改) ---------------------------------------------------


class UnitsColumn(Column):
    def value(self, obj):
        return "、".join(unit.name for unit in obj.units.all())


class RectificationCountColumn(Column):
    def value(self, obj):
        return f"{obj.items} 项（逾期 {obj.overdue}）" if obj.overdue else f"{obj.items} 项"


class InspectionListView(ObjectListView):
    model = Inspection
    filterset_class = filters.InspectionFilterSet
    create_url_name = "supervision:inspection_create"
    title = "督查检查"
    empty_text = "暂无督查记录"
    columns = (
        Column("开始日期", "start_date", link=True),
        Column("督查名称", "title", link=True),
        Column("督查类型", "get_regularity_display"),
        Column("检查方式", "get_timing_display"),
        Column("明查或暗访", "get_manner_display"),
        UnitsColumn("被督查单位", "units"),
        RectificationCountColumn("整改事项", "items"),
    )

    def get_queryset(self):
        late = selectors.overdue_q(prefix="rectifications__")
        # Meta.ordering does not apply to a grouped query: the list states its order.
        return super().get_queryset().prefetch_related("units").annotate(
            items=Count("rectifications", distinct=True),
            overdue=Count("rectifications", filter=late, distinct=True)) \
            .order_by("-start_date", "-pk")


class InspectionDetailView(ObjectDetailView):
    model = Inspection
    template_name = "supervision/inspection_detail.html"
    url_base = "supervision:inspection"
    fields = (Column("督查类型", "get_regularity_display"),
              Column("检查方式", "get_timing_display"),
              Column("明查或暗访", "get_manner_display"),
              Column("组织单位", "organizer.name"), UnitsColumn("被督查单位", "units"),
              Column("开始日期", "start_date"), Column("结束日期", "end_date"),
              Column("督查组成员", "inspectors"), Column("问题通报日期", "published_on"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection, user = context["object"], self.request.user
        today = timezone.localdate()
        items = list(Rectification.objects.restrict(user, VIEW).filter(inspection=inspection)
                     .select_related("unit", "accepted_by"))
        reporting = set(Rectification.objects.filter(pk__in=[i.pk for i in items]).filter(
            reporters_q(user)).values_list("pk", flat=True))
        for item in items:
            item.overdue = item.is_overdue(today)
            item.can_report = item.pk in reporting and \
                item.status == Rectification.Status.IN_PROGRESS
        context.update(items=items, can_keep=context["can_edit"],
                       report_form=forms.RectificationReportForm(),
                       review_form=forms.RectificationReviewForm())
        return context


def reporters_q(user) -> Q:
    """The rectification items a user reports on: those of the units their admin grants
    cover (supervision.scopes.INSPECTED)."""
    return subtree_q(grants_with(user, *INSPECTED), "unit__path")


class InspectionEditView(ObjectEditView):
    model = Inspection
    form_class = forms.InspectionForm

    def get_initial(self):
        return {"start_date": timezone.localdate(), "end_date": timezone.localdate()}

    def save_form(self, form):
        return services.inspection_save(inspection=form.save(commit=False),
                                        units=form.cleaned_data["units"],
                                        acting_user=self.request.user)


class InspectionDeleteView(ObjectDeleteView):
    model = Inspection
    success_url_name = "supervision:inspection_list"


class InspectionPublishView(RoleRequiredMixin, View):
    """通报: a covert inspection's findings are shown to the inspected units."""

    allowed_roles = INSPECTORS
    model = Inspection

    def post(self, request, pk):
        inspection = get_object_or_404(Inspection.objects.restrict(request.user, CHANGE), pk=pk)
        try:
            services.inspection_publish(inspection=inspection, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已通报：被督查单位现在可以看到发现的问题和整改事项")
        return redirect(inspection.get_absolute_url())


class RectificationListView(ObjectListView):
    model = Rectification
    filterset_class = filters.RectificationFilterSet
    title = "整改事项"
    empty_text = "暂无整改事项"
    columns = (
        Column("整改期限", "deadline", link=True),
        Column("责任单位", "unit.name"),
        Column("问题", "problem"),
        Column("状态", "state"),
        Column("督查", "inspection.title"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("unit", "inspection")

    def prepare_rows(self, objects):
        today = timezone.localdate()
        for item in objects:
            item.state = "逾期" if item.is_overdue(today) else item.get_status_display()
        return objects


class RectificationDetailView(ObjectDetailView):
    model = Rectification
    url_base = "supervision:rectification"
    fields = (Column("督查", "inspection"), Column("责任单位", "unit.name"),
              Column("问题", "problem"), Column("整改要求", "requirement"),
              Column("整改期限", "deadline"), Column("状态", "get_status_display"),
              Column("整改情况", "report"), Column("整改报告日期", "reported_on"),
              Column("退回意见", "return_reason"), Column("验收日期", "accepted_on"))


class RectificationEditView(ObjectEditView):
    """A new item is added to an inspection the user keeps (?inspection=<pk>)."""

    model = Rectification
    form_class = forms.RectificationForm

    def get_object(self):
        item = super().get_object()
        if item.pk is None:
            item.inspection = get_object_or_404(
                Inspection.objects.restrict(self.request.user, CHANGE),
                pk=id_param(self.request.GET.get("inspection")) or 0)
        return item

    def get_form(self, obj, data=None):
        return self.form_class(data, instance=obj, user=self.request.user,
                               inspection=obj.inspection)

    def save_form(self, form):
        return services.rectification_save(item=form.save(commit=False),
                                           acting_user=self.request.user)

    def get_success_url(self, instance) -> str:
        return instance.inspection.get_absolute_url()


class RectificationDeleteView(ObjectDeleteView):
    model = Rectification
    success_url_name = "supervision:rectification_list"

    def check_delete(self, obj) -> None:
        if obj.status == Rectification.Status.ACCEPTED:
            raise PermissionDenied("已验收的整改事项不能删除")


class RectificationReportView(RoleRequiredMixin, View):
    """已整改: the responsible unit's admin reports what was done."""

    allowed_roles = INSPECTED
    model = Rectification

    def post(self, request, pk):
        items = Rectification.objects.restrict(request.user, VIEW).filter(reporters_q(request.user))
        item = get_object_or_404(items, pk=pk)
        form = forms.RectificationReportForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("请填写整改情况")
            services.rectification_report(item=item, report=form.cleaned_data["report"],
                                          acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已报告整改情况，等待督查组验收")
        return redirect(item.inspection.get_absolute_url())


class RectificationReviewView(RoleRequiredMixin, View):
    """验收 or 退回 by the inspectors who keep the inspection."""

    allowed_roles = INSPECTORS
    model = Rectification

    def post(self, request, pk):
        item = get_object_or_404(Rectification.objects.restrict(request.user, CHANGE), pk=pk)
        accept = request.POST.get("decision") == "accept"
        try:
            services.rectification_review(item=item, accept=accept,
                                          reason=request.POST.get("reason", ""),
                                          acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已验收" if accept else "已退回，责任单位需重新整改")
        return redirect(item.inspection.get_absolute_url())


# --- a leader's year-end self-report material (述职素材) ------------------------------------------


class SelfReportView(RoleRequiredMixin, View):
    """述职素材 as PDF (default) or Word (?format=docx): the leader themself, 组织部 and
    纪检监察 within their scope (supervision.selfreport.may_download); a cadre who held no
    leading position in the year has none (404)."""

    allowed_roles = (Role.CADRE, Role.ORG_DEPT, Role.INSPECTOR)
    model = Cadre

    def get(self, request, pk):
        from django.conf import settings

        from supervision import selfreport

        cadre = get_object_or_404(Cadre.objects.restrict(request.user, VIEW), pk=pk)
        if not selfreport.may_download(request.user, cadre):
            raise PermissionDenied("只有本人、组织部和纪检监察可以下载述职素材")
        today = timezone.localdate()
        year = year_param(request.GET.get("year"), today.year, latest=today.year)
        if not selfreport.is_leader(cadre, year):
            raise Http404("该干部本年度未担任领导职务，没有述职素材")
        material = selfreport.material_build(cadre=cadre, year=year)
        name = f"{year}年述职素材-{cadre.name}"
        if request.GET.get("format") == "docx":
            from liaison.exports import attach

            content = selfreport.material_docx(material, district_name=settings.DISTRICT_NAME)
            return attach(HttpResponse(content, content_type=DOCX), f"{name}.docx")
        pdf = render_pdf("supervision/pdf/self_report.html", {
            "title": material.title, "m": material, "year": year,
            "as_of": material.window.as_of}, user=request.user)
        return pdf_response(pdf, name)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- plausibility flags (可信度提示) -----------------------------------------------------------


class RecordColumn(Column):
    def value(self, obj):
        return f"{obj.record_kind} #{obj.object_id}"


class FlagListView(ObjectListView):
    """The flags of the latest run, read through the user's scope, with the rules in words
    and the inspectors' button to recompute them in the background."""

    model = PlausibilityFlag
    filterset_class = filters.FlagFilterSet
    export_resource = FlagResource
    template_name = "supervision/flag_list.html"
    title = "可信度提示"
    empty_text = "暂无可信度提示"
    columns = (
        Column("规则", "rule_title", link=True),
        RecordColumn("记录", "object_id"),
        Column("记录日期", "date"),
        Column("干部", "cadre.name"),
        Column("单位", "organization.name"),
        Column("情况", "detail"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("cadre", "organization", "content_type") \
            .order_by("rule", "-date", "pk")

    def prepare_rows(self, objects):
        for flag in objects:
            model = flag.content_type.model_class()
            flag.record_kind = model._meta.verbose_name if model else flag.content_type.model
        return objects

    def get_extra_context(self) -> dict:
        jobs.fail_lost_jobs()
        latest = FlagRun.objects.first()
        return {"rules": selectors.flag_rule_summary(self.request.user),
                "last_run": FlagRun.objects.filter(status=FlagRun.Status.DONE).first(),
                "working": services.active_flag_run(),
                # The latest run failed: say so (the flags shown are the previous run's).
                "failed": latest if latest and latest.status == FlagRun.Status.FAILED
                else None}


class FlagDetailView(ObjectDetailView):
    """A flag and the record it points to (drill-down): the record opens on its own page,
    which checks the user may read it."""

    model = PlausibilityFlag
    template_name = "supervision/flag_detail.html"
    url_base = "supervision:flag"
    fields = (Column("规则", "rule_title"), Column("记录类型", "content_type.name"),
              Column("记录ID", "object_id"), Column("记录日期", "date"),
              Column("干部", "cadre"), Column("单位", "organization.name"),
              Column("情况", "detail"), Column("计算时间", "run.finished_at"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        flag = context["object"]
        record, rule = selectors.flag_record(flag), selectors.flag_rule(flag.rule)
        context.update(record=record, rule=rule, can_edit=False, can_history=False,
                       title=f"可信度提示：{flag.rule_title}",
                       record_url=record.get_absolute_url()
                       if record is not None and hasattr(record, "get_absolute_url") else "",
                       record_kind=type(record)._meta.verbose_name if record is not None
                       else flag.content_type.name)
        return context


class FlagRunCreateView(RoleRequiredMixin, View):
    """重新计算: the flags recomputed in the background (liaison.background)."""

    allowed_roles = INSPECTORS

    def post(self, request):
        with transaction.atomic():
            run = services.flag_run_request(acting_user=request.user)
        messages.success(request, f"{run}已开始，完成后本页将显示新的结果（可稍后刷新）")
        return redirect("supervision:flag_list")

# --- random spot checks (双随机) with call-backs ----------------------------------------------


def kind_label(name: str) -> str:
    from liaison.compliance.registry import CHECKABLE

    kind = CHECKABLE.get(name)
    return kind.label if kind else name


class KindsColumn(Column):
    def value(self, obj):
        return "、".join(kind_label(name) for name in obj.kinds)


class SpotProgressColumn(Column):
    def value(self, obj):
        text = f"已核实 {obj.verified}/{obj.sampled}"
        if obj.untrue:
            text += f"，不属实 {obj.untrue}"
        if obj.unverifiable:
            text += f"，无法核实 {obj.unverifiable}"
        return text


class LocalTimeColumn(Column):
    def value(self, obj):
        value = super().value(obj)
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


class SpotCheckListView(ObjectListView):
    model = SpotCheck
    filterset_class = filters.SpotCheckFilterSet
    create_url_name = "supervision:spotcheck_create"
    title = "双随机抽查"
    empty_text = "暂无抽查。点击“新建”选定抽查范围，系统随机抽取记录和核查人员。"
    columns = (
        Column("抽取时间", "created_at", link=True),
        Column("抽查名称", "title", link=True),
        KindsColumn("记录类型", "kinds"),
        UnitsColumn("被抽查单位", "units"),
        Column("记录期间", "period"),
        SpotProgressColumn("核实进度", "verified"),
    )

    def get_queryset(self):
        return selectors.spot_check_counts(super().get_queryset().prefetch_related("units")) \
            .order_by("-created_at", "-pk")

    def prepare_rows(self, objects):
        for obj in objects:
            obj.period = f"{obj.period_start:%Y-%m-%d} 至 {obj.period_end:%Y-%m-%d}"
        return objects


class SpotCheckCreateView(ObjectEditView):
    """The frame; saving draws the sample and its verifiers (services.spot_check_create)."""

    model = SpotCheck
    form_class = forms.SpotCheckForm
    template_name = "supervision/spotcheck_form.html"

    def get_initial(self):
        today = timezone.localdate()
        return {"period_start": today.replace(day=1) - dt.timedelta(days=90),
                "period_end": today, "sample_size": 3,
                "title": f"{today.year}年联系服务群众记录双随机抽查"}

    def save_form(self, form):
        return services.spot_check_create(spot_check=form.save(commit=False),
                                          units=form.cleaned_data["units"],
                                          pool=form.cleaned_data["pool"],
                                          acting_user=self.request.user)


class SpotCheckDetailView(ObjectDetailView):
    model = SpotCheck
    template_name = "supervision/spotcheck_detail.html"
    url_base = "supervision:spotcheck"
    fields = (Column("组织单位", "organizer.name"), KindsColumn("抽查记录类型", "kinds"),
              Column("记录起始日期", "period_start"), Column("记录截止日期", "period_end"),
              UnitsColumn("被抽查单位", "units"), Column("每个单位抽取条数", "sample_size"),
              Column("随机种子", "seed"), Column("组织人", "entered_by"),
              LocalTimeColumn("抽取时间", "created_at"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        spot_check, user = context["object"], self.request.user
        items = list(SpotCheckItem.objects.restrict(user, VIEW).filter(spot_check=spot_check)
                     .select_related("unit", "cadre", "verifier__cadre").order_by("position"))
        for item in items:
            item.kind_label = kind_label(item.kind)
            item.verifier_label = verifier_name(item.verifier)
            item.mine = item.verifier_id == user.pk
        pool = [verifier_name(u) for u in spot_check.pool.select_related("cadre")]
        context.update(items=items, can_edit=False, pool=pool,
                       export_url=reverse("supervision:spotitem_list")
                       + f"?spot_check={spot_check.pk}&export=xlsx")
        return context


class SpotCheckRedrawView(RoleRequiredMixin, View):
    """重新抽取核对: anyone who reads the spot check draws the sample again from its seed and
    frame and sees whether it equals the stored one."""

    allowed_roles = INSPECTORS
    model = SpotCheck

    def get(self, request, pk):
        spot_check = get_object_or_404(SpotCheck.objects.restrict(request.user, VIEW), pk=pk)
        comparison = services.spot_check_redraw(spot_check=spot_check)
        units = dict(spot_check.units.values_list("pk", "name"))

        def named(rows):
            return [(units.get(unit, unit), kind_label(kind), pk) for unit, kind, pk in rows]

        return TemplateResponse(request, "supervision/spotcheck_redraw.html", {
            "object": spot_check, "title": f"重新抽取核对：{spot_check.title}",
            "equal": comparison["equal"], "count": len(comparison["stored"]),
            "pairs": list(zip_longest(named(comparison["stored"]), named(comparison["again"]))),
            "missing": named(comparison["missing"]), "extra": named(comparison["extra"])})


class SpotItemListView(ObjectListView):
    model = SpotCheckItem
    filterset_class = filters.SpotItemFilterSet
    export_resource = SpotItemResource
    title = "抽查记录"
    empty_text = "暂无抽查记录"
    columns = (
        Column("抽查", "spot_check.title"),
        Column("序号", "position", link=True),
        Column("被抽查单位", "unit.name"),
        Column("记录类型", "kind_label"),
        Column("记录日期", "record_date"),
        Column("干部", "cadre.name"),
        Column("记录内容", "description"),
        Column("核查人", "verifier_label"),
        Column("核实结果", "result_label"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related(
            "spot_check", "unit", "cadre", "verifier__cadre").order_by(
            "-spot_check__created_at", "spot_check_id", "position")

    def prepare_rows(self, objects):
        for item in objects:
            item.kind_label = kind_label(item.kind)
            item.verifier_label = verifier_name(item.verifier)
            item.result_label = item.get_result_display() or "待核实"
        return objects


class SpotReferralListView(SpotItemListView):
    """移送纪检监察: the records found 不属实 (their latest verification), with the cadre, the
    record and the call-back, for the discipline inspectors."""

    allowed_roles = (Role.INSPECTOR,)
    filterset_class = filters.SpotResultFilterSet
    title = "不属实记录移送纪检监察"
    empty_text = "暂无核实为不属实的记录"
    columns = (
        Column("序号", "position", link=True),
        Column("干部", "cadre.name"),
        Column("被抽查单位", "unit.name"),
        Column("记录类型", "kind_label"),
        Column("记录日期", "record_date"),
        Column("记录内容", "description"),
        Column("回访对象", "callee"),
        LocalTimeColumn("回访时间", "called_at"),
        Column("回访情况", "statement"),
        Column("核查人", "verifier_label"),
    )

    def policy_allows(self, action: str) -> bool:
        return action in (VIEW, LIST) and has_role(self.request.user, *self.allowed_roles)

    def get_queryset(self):
        return super().get_queryset().filter(
            selectors.latest_result_q(SpotCheckItem.Result.UNTRUE))


class SpotUnverifiableListView(SpotReferralListView):
    """无法核实: listed for the inspectors (the records still count, spec §10)."""

    allowed_roles = INSPECTORS
    title = "无法核实的抽查记录"
    empty_text = "暂无无法核实的记录"

    def get_queryset(self):
        return SpotItemListView.get_queryset(self).filter(
            selectors.latest_result_q(SpotCheckItem.Result.UNVERIFIABLE))


class SpotItemDetailView(ObjectDetailView):
    model = SpotCheckItem
    template_name = "supervision/spotitem_detail.html"
    url_base = "supervision:spotitem"
    fields = (Column("抽查", "spot_check"), Column("序号", "position"),
              Column("被抽查单位", "unit.name"), Column("记录类型", "kind_label"),
              Column("记录日期", "record_date"), Column("干部", "cadre.name"),
              Column("记录内容", "description"), Column("核查人", "verifier_label"),
              Column("回访对象", "callee"), LocalTimeColumn("回访时间", "called_at"),
              Column("回访情况", "statement"), Column("核实结果", "result_label"),
              LocalTimeColumn("记录时间", "verified_at"))

    def get_object(self):
        item = super().get_object()
        item.kind_label = kind_label(item.kind)
        item.verifier_label = verifier_name(item.verifier)
        item.result_label = item.get_result_display() or "待核实"
        return item

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(can_edit=False,
                       can_verify=context["object"].verifier_id == self.request.user.pk)
        return context


class SpotItemVerifyView(RoleRequiredMixin, View):
    """回访记录: only the verifier drawn for the item records the call-back and its result."""

    allowed_roles = INSPECTORS
    model = SpotCheckItem
    template_name = "supervision/spotitem_verify.html"

    def get_item(self):
        # The verifier's own items only: not even a system administrator records another's.
        items = SpotCheckItem.objects.restrict(self.request.user, CHANGE).filter(
            verifier_id=self.request.user.pk).select_related("spot_check", "unit", "cadre")
        return get_object_or_404(items, pk=self.kwargs["pk"])

    def render(self, item, form):
        item.kind_label = kind_label(item.kind)
        return TemplateResponse(self.request, self.template_name, {
            "object": item, "form": form, "title": f"回访核实：{item}"})

    def get(self, request, pk):
        item = self.get_item()
        initial = {"called_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")} \
            if item.called_at is None else {
                "called_at": timezone.localtime(item.called_at).strftime("%Y-%m-%dT%H:%M")}
        return self.render(item, forms.SpotCallbackForm(instance=item, initial=initial))

    def post(self, request, pk):
        item = self.get_item()
        form = forms.SpotCallbackForm(request.POST, instance=SpotCheckItem(pk=item.pk))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.spot_item_verify(item=item, callee=data["callee"],
                                          called_at=data["called_at"],
                                          statement=data["statement"], result=data["result"],
                                          acting_user=request.user)
            except ValidationError as exc:
                add_validation_error(form, exc)
            else:
                messages.success(request, "已记录回访结果" + (
                    "：该记录不再计入任何指标，已移送纪检监察" if data["result"] == "untrue"
                    else ""))
                return redirect(item.spot_check.get_absolute_url())
        return self.render(item, form)
