"""Opinion and analysis pages on the generic views."""

from __future__ import annotations

import datetime as dt

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from liaison.charts import count_bars
from liaison.exports import pdf_response, workbook_response
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
from liaison.models import Organization
from liaison.params import id_list, id_param, year_param
from liaison.permissions import CHANGE, VIEW, grants_with, policy_of
from liaison.personal import mask_text, redact_personal, with_personal_flag
from liaison.qr import qr_poster_pdf
from liaison.throttle import client_address, within_limit
from liaison.workdays import WorkingCalendar, due_mark
from opinions import filters, forms
from opinions.models import Answer, Opinion, OpinionAnalysis, Questionnaire
from opinions.resources import OpinionAnalysisResource, OpinionResource
from opinions.scopes import KEEPERS, READERS
from opinions.selectors import (
    breakdown,
    questionnaire_results,
    questionnaire_table,
    questionnaires_listed,
    text_answers,
    top_words,
)
from opinions.services import (
    answer_to_opinion,
    opinion_publish,
    opinion_save,
    opinion_submit_public,
    opinion_unpublish,
    opinions_answer,
    questionnaire_close,
    questionnaire_save,
    questionnaire_submit,
)


class FeedbackColumn(Column):
    """The feedback date, or the due date with its green / amber / red words while open."""

    def value(self, obj):
        if obj.feedback_on:
            late = obj.feedback_due and obj.feedback_on > obj.feedback_due
            return f"{obj.feedback_on:%Y-%m-%d}{'（逾期）' if late else ''}"
        return f"期限 {obj.feedback_due:%Y-%m-%d}（{obj.due_words}）" if obj.feedback_due else ""


def mark_dues(opinions) -> list:
    today, calendar = timezone.localdate(), WorkingCalendar.load()
    for opinion in opinions:
        due = opinion.feedback_due if not opinion.feedback_on else None
        opinion.due_level, opinion.due_words = due_mark(due, today, calendar)
    return opinions


class OpinionListView(ObjectListView):
    model = Opinion
    filterset_class = filters.OpinionFilterSet
    export_resource = OpinionResource
    import_kind = "opinions"
    create_url_name = "opinions:opinion_create"
    title = "群众意见"
    empty_text = "暂无群众意见"
    columns = (
        Column("意见编号", "code", link=True),
        Column("收到日期", "received_on"),
        Column("渠道", "get_channel_display"),
        Column("内容", "content"),
        Column("承办单位", "handling_unit.name"),
        Column("处理结果", "get_result_display"),
        FeedbackColumn("反馈", "feedback_on"),
    )

    template_name = "opinions/opinion_list.html"
    bulk_actions = (("批量答复", "opinions:opinion_answer"),)

    def get_queryset(self):
        return super().get_queryset().select_related("handling_unit")

    def prepare_rows(self, objects):
        return mark_dues(objects)

    def get_extra_context(self):
        grants = grants_with(self.request.user, *KEEPERS)
        return {"poster_units": Organization.objects.filter(
            pk__in=[g.org_id for g in grants]).order_by("code")}


class OpinionAnswerView(RoleRequiredMixin, View):
    """批量答复: the opinions checked on the list (those the user may change), one answer."""

    model = Opinion
    policy_action = CHANGE
    template_name = "opinions/opinion_answer.html"

    def chosen(self, request):
        ids = id_list(request.POST.getlist("pk") or request.GET.getlist("pk"))
        return list(Opinion.objects.restrict(request.user, CHANGE).filter(pk__in=ids)
                    .select_related("handling_unit").order_by("received_on", "pk"))

    def render(self, opinions, form):
        return TemplateResponse(self.request, self.template_name, {
            "opinions": opinions, "form": form, "title": f"批量答复（{len(opinions)} 条）"})

    def get(self, request):
        return self.render(self.chosen(request), forms.AnswerForm())

    def post(self, request):
        opinions = self.chosen(request)
        form = forms.AnswerForm(request.POST)
        if not opinions:
            form.add_error(None, "请先在列表中勾选要答复的意见")
        elif form.is_valid():
            try:
                count = opinions_answer(opinions=opinions, acting_user=request.user,
                                        **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已答复 {count} 条意见")
                return redirect("opinions:opinion_list")
        return self.render(opinions, form)


class OpinionDetailView(ObjectDetailView):
    model = Opinion
    template_name = "opinions/opinion_detail.html"
    url_base = "opinions:opinion"
    fields = (
        Column("意见编号", "code"), Column("收到日期", "received_on"),
        Column("渠道", "get_channel_display"), Column("收集单位", "collecting_unit.name"),
        Column("承办单位", "handling_unit.name"), Column("内容", "content"),
        Column("类别", "category"),
        PersonalColumn("提交人联系方式", "submitter_contact", mask=mask_text),
        Column("处理结果", "get_result_display"), Column("处理说明", "explanation"),
        FeedbackColumn("反馈", "feedback_on"), Column("公开", "published"),
        Column("来源记录", "source"),
    )

    def get_object(self):
        opinion = with_personal_flag(Opinion.objects.filter(pk=super().get_object().pk),
                                     Opinion, self.request.user).get()
        return mark_dues([opinion])[0]


class OpinionEditView(ObjectEditView):
    model = Opinion
    form_class = forms.OpinionForm

    def get_initial(self):
        return {"received_on": timezone.localdate()}

    def describe(self, instance) -> str:
        return instance.code

    def save_form(self, form):
        return opinion_save(opinion=form.save(commit=False), acting_user=self.request.user)


class OpinionDeleteView(ObjectDeleteView):
    model = Opinion
    success_url_name = "opinions:opinion_list"

    def describe(self, obj) -> str:
        return obj.code


class AnalysisListView(ObjectListView):
    model = OpinionAnalysis
    filterset_class = filters.AnalysisFilterSet
    export_resource = OpinionAnalysisResource
    import_kind = "opinion_analyses"
    create_url_name = "opinions:analysis_create"
    title = "意见分析研判"
    empty_text = "暂无分析研判"
    columns = (Column("日期", "date", link=True), Column("单位", "unit.name"),
               Column("标题", "title"))

    def get_queryset(self):
        return super().get_queryset().select_related("unit")


class AnalysisDetailView(ObjectDetailView):
    model = OpinionAnalysis
    url_base = "opinions:analysis"
    fields = (Column("单位", "unit.name"), Column("日期", "date"), Column("标题", "title"),
              Column("分析内容", "content"))


class AnalysisEditView(ObjectEditView):
    model = OpinionAnalysis
    form_class = forms.AnalysisForm

    def get_initial(self):
        return {"date": timezone.localdate()}


class AnalysisDeleteView(ObjectDeleteView):
    model = OpinionAnalysis
    success_url_name = "opinions:analysis_list"


# --- publishing, the public form and the public feedback page ---------------------------------


class OpinionPublishView(RoleRequiredMixin, View):
    """公开: the publisher sees the texts with personal data removed, corrects them if a name
    was missed, and publishes; or withdraws a published opinion."""

    model = Opinion
    policy_action = CHANGE
    template_name = "opinions/opinion_publish.html"

    def get_object(self):
        return get_object_or_404(Opinion.objects.restrict(self.request.user, CHANGE),
                                 pk=self.kwargs["pk"])

    def render(self, opinion, form):
        return TemplateResponse(self.request, self.template_name, {
            "object": opinion, "form": form, "title": f"公开群众意见 {opinion.code}"})

    def get(self, request, pk):
        opinion = self.get_object()
        return self.render(opinion, forms.PublishForm(initial={
            "text": opinion.published_text or redact_personal(opinion.content),
            "explanation": opinion.published_explanation or redact_personal(
                opinion.explanation)}))

    def post(self, request, pk):
        opinion = self.get_object()
        if "withdraw" in request.POST:
            opinion_unpublish(opinion=opinion, acting_user=request.user)
            messages.success(request, f"已撤回公开：{opinion.code}")
            return redirect(opinion.get_absolute_url())
        form = forms.PublishForm(request.POST)
        if form.is_valid():
            try:
                opinion_publish(opinion=opinion, text=form.cleaned_data["text"],
                                explanation=form.cleaned_data["explanation"],
                                acting_user=request.user)
            except ValidationError as exc:
                form.add_error("text" if hasattr(exc, "error_dict") else None, exc)
            else:
                messages.success(request, f"已公开：{opinion.code}")
                return redirect(opinion.get_absolute_url())
        return self.render(opinion, form)


PUBLIC_LIMIT_PER_ADDRESS = (5, 3600)    # 5 opinions an hour from one address
PUBLIC_LIMIT_PER_UNIT = (300, 86400)    # and at most 300 a day to one unit


@method_decorator(login_not_required, name="dispatch")
class PublicOpinionView(View):
    """The public form (no login), opened from a link or the QR code on a unit's poster."""

    template_name = "opinions/public_form.html"

    def render(self, unit, form, status=200):
        return TemplateResponse(self.request, self.template_name, {
            "unit": unit, "form": form, "title": f"向{unit.name}提意见"}, status=status)

    def get(self, request, code):
        unit = get_object_or_404(Organization, code=code)
        return self.render(unit, forms.PublicOpinionForm())

    def post(self, request, code):
        unit = get_object_or_404(Organization, code=code)
        form = forms.PublicOpinionForm(request.POST)
        if not form.is_valid():
            return self.render(unit, form)
        if form.cleaned_data["website"]:
            # A robot filled the hidden field: it is told nothing different, nothing is kept.
            return TemplateResponse(request, "opinions/public_thanks.html",
                                    {"unit": unit, "code": "", "title": "提交成功"})
        address = client_address(request)
        if not (within_limit(f"opinion:{address}", *PUBLIC_LIMIT_PER_ADDRESS)
                and within_limit(f"opinion-unit:{unit.pk}", *PUBLIC_LIMIT_PER_UNIT)):
            form.add_error(None, "提交过于频繁，请稍后再试；急事请拨打 12345 热线")
            return self.render(unit, form, status=429)
        try:
            opinion = opinion_submit_public(unit=unit, content=form.cleaned_data["content"],
                                            contact=form.cleaned_data["contact"],
                                            category=form.cleaned_data["category"])
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render(unit, form)
        return TemplateResponse(request, "opinions/public_thanks.html", {
            "unit": unit, "code": opinion.code, "title": "提交成功",
            "due": opinion.feedback_due})


@method_decorator(login_not_required, name="dispatch")
class PublicFeedbackView(View):
    """The public feedback page (no login): the published opinions of the district or of one
    unit's subtree, how each was handled, and the adoption rate of all answered opinions."""

    template_name = "opinions/public_feedback.html"

    def get(self, request, code=None):
        unit = get_object_or_404(Organization, code=code) if code else None
        opinions = Opinion.objects.all()
        if unit is not None:
            opinions = opinions.filter(handling_unit__path__startswith=unit.path)
        rates = adoption(opinions)
        published = opinions.filter(published=True).select_related("handling_unit") \
            .order_by("-feedback_on", "-received_on", "-pk")
        page = Paginator(published.only(
            "code", "received_on", "channel", "category", "result", "feedback_on",
            "published_text", "published_explanation", "handling_unit__name"), 20) \
            .get_page(request.GET.get("page"))
        return TemplateResponse(request, self.template_name, {
            "unit": unit, "page": page, "rates": rates,
            "title": f"{unit.name if unit else '全区'}群众意见办理公开"})


def adoption(opinions) -> dict:
    """Answered opinions and the share adopted (采纳 or 部分采纳), counted by the database."""
    R = Opinion.Result
    counts = opinions.exclude(result="").aggregate(
        answered=Count("pk"), adopted=Count("pk", filter=Q(result__in=[R.ADOPTED, R.PARTLY])))
    answered = counts["answered"]
    return {"answered": answered, "adopted": counts["adopted"],
            "received": opinions.count(),
            "rate": round(100 * counts["adopted"] / answered) if answered else None}


POSTER_LINES = ["微信或手机相机扫码，即可向我们提出意见和建议",
                "我们将在 30 日内答复，办理结果在网上公开（不公开您的个人信息）"]


class OpinionPosterView(RoleRequiredMixin, View):
    """An A4 poster (PDF) with the QR code of a unit's public form, for suggestion boxes and
    notice boards."""

    allowed_roles = KEEPERS

    def get(self, request, code):
        unit = get_object_or_404(Organization.objects.restrict(request.user, VIEW), code=code)
        url = request.build_absolute_uri(reverse("opinions:public_form", args=[unit.code]))
        pdf = qr_poster_pdf(title="群众意见征集", subtitle=unit.name, url=url, user=request.user,
                            lines=POSTER_LINES)
        return pdf_response(pdf, f"意见征集二维码-{unit.name}")


ANALYSIS_SHEETS = (("months", "按月", "月份"), ("channels", "按渠道", "渠道"),
                   ("categories", "按类别", "类别"), ("units", "按承办单位", "承办单位"),
                   ("words", "高频词", "词语"))


class OpinionAnalysisView(PageView):
    """分析研判: the period's opinions by month, channel, category and unit, the answer rates
    and the most frequent words, as charts and as an Excel workbook."""

    allowed_roles = READERS
    template_name = "opinions/analysis.html"
    title = "群众意见分析"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        if request.GET.get("export") == "xlsx":
            return workbook_response([
                (label, tablib.Dataset(*context[key], headers=[header, "意见数"]))
                for key, label, header in ANALYSIS_SHEETS], self.title)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        year = year_param(self.request.GET.get("year"), today.year)
        quarter = id_param(self.request.GET.get("quarter"))
        opinions = Opinion.objects.restrict(self.request.user, VIEW).filter(
            received_on__year=year)
        if quarter in (1, 2, 3, 4):
            opinions = opinions.filter(received_on__month__gte=3 * quarter - 2,
                                       received_on__month__lte=3 * quarter)
        unit = None
        unit_id = id_param(self.request.GET.get("unit"))
        if unit_id is not None:
            unit = Organization.objects.restrict(self.request.user, VIEW).filter(
                pk=unit_id).first()
            if unit is not None:
                opinions = opinions.filter(handling_unit__path__startswith=unit.path)
        tables = breakdown(opinions)
        words = top_words(opinions)
        return super().get_context_data(
            year=year, quarter=quarter if quarter in (1, 2, 3, 4) else None, unit=unit,
            unit_choices=Organization.objects.restrict(self.request.user, VIEW).exclude(
                type=Organization.Type.COMMUNITY).order_by("path"),
            words=words, **tables,
            charts={key: count_bars(tables[key], aria_label=label) for key, label in (
                ("months", "按月意见数"), ("channels", "按渠道意见数"),
                ("categories", "按类别意见数"), ("units", "按承办单位意见数"))}
            | {"words": count_bars(words, aria_label="高频词")}, **kwargs)


# --- 征求意见表 ---------------------------------------------------------------------------


class StateColumn(Column):
    def value(self, obj):
        return obj.state(timezone.localdate())


class QuestionnaireListView(ObjectListView):
    model = Questionnaire
    filterset_class = filters.QuestionnaireFilterSet
    create_url_name = "opinions:questionnaire_create"
    title = "征求意见表"
    empty_text = "暂无征求意见表，点“新建”设计第一份"
    columns = (
        Column("标题", "title", link=True),
        Column("征求单位", "unit.name"),
        Column("开始日期", "starts_on"),
        Column("截止日期", "ends_on"),
        StateColumn("状态", "ends_on"),
        Column("答卷数", "answers_count"),
    )

    def get_queryset(self):
        return questionnaires_listed(super().get_queryset())


class QuestionnaireDetailView(ObjectDetailView):
    model = Questionnaire
    template_name = "opinions/questionnaire_detail.html"
    url_base = "opinions:questionnaire"
    fields = (Column("征求单位", "unit.name"), Column("说明", "description"),
              Column("开始日期", "starts_on"), Column("截止日期", "ends_on"),
              StateColumn("状态", "ends_on"), Column("提前结束时间", "closed_at"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        questionnaire = context["object"]
        return context | {
            "questions": questionnaire.questions.prefetch_related("options"),
            "responses": questionnaire.responses.count(),
            "state": questionnaire.state(timezone.localdate()),
            "public_url": self.request.build_absolute_uri(reverse(
                "opinions:questionnaire_public", args=[questionnaire.key])),
        }


class QuestionnaireEditView(ObjectEditView):
    """The builder: the questionnaire's fields and its questions (a formset)."""

    model = Questionnaire
    form_class = forms.QuestionnaireForm
    template_name = "opinions/questionnaire_edit.html"

    def get_initial(self):
        today = timezone.localdate()
        grants = grants_with(self.request.user, *KEEPERS)
        return {"starts_on": today, "ends_on": today + dt.timedelta(days=30),
                "unit": grants[0].org_id if len(grants) == 1 else None}

    def save_form(self, form):
        return questionnaire_save(questionnaire=form.save(commit=False),
                                  questions=form.question_specs(),
                                  acting_user=self.request.user)


class QuestionnaireDeleteView(ObjectDeleteView):
    """Only a questionnaire without answers (the answers protect it): one with answers is
    closed instead."""

    model = Questionnaire
    success_url_name = "opinions:questionnaire_list"


class QuestionnaireCloseView(RoleRequiredMixin, View):
    """提前结束: the public page stops taking answers now."""

    model = Questionnaire
    policy_action = CHANGE

    def post(self, request, pk):
        questionnaire = get_object_or_404(Questionnaire.objects.restrict(request.user, CHANGE),
                                          pk=pk)
        try:
            questionnaire_close(questionnaire=questionnaire, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已提前结束：{questionnaire.title}")
        return redirect(questionnaire.get_absolute_url())


TEXT_PAGE_SIZE = 20


class QuestionnaireResultsView(RoleRequiredMixin, View):
    """结果: per question the counts and shares (charts for choice questions), the text
    answers without personal data, page by page (?p<question id>=n); ?export=xlsx gives every
    response, one row each, and the options' counts."""

    model = Questionnaire
    policy_action = VIEW
    template_name = "opinions/questionnaire_results.html"

    def get(self, request, pk):
        questionnaire = get_object_or_404(
            Questionnaire.objects.restrict(request.user, VIEW).select_related("unit"), pk=pk)
        results = questionnaire_results(questionnaire)
        if request.GET.get("export") == "xlsx":
            headers, rows = questionnaire_table(questionnaire)
            counts = [(f"{item['question'].position}. {item['question'].text}", text, n,
                       f"{share}%") for item in results["questions"]
                      for text, n, share in item["options"]]
            return workbook_response([
                ("答卷", tablib.Dataset(*rows, headers=headers)),
                ("选项统计", tablib.Dataset(*counts,
                                        headers=["题目", "选项", "人数", "占作答人数"])),
            ], f"征求意见表结果-{questionnaire.title}")
        can_forward = policy_of(Answer).allows(request.user, CHANGE)
        for item in results["questions"]:
            question = item["question"]
            if question.is_choice:
                item["chart"] = count_bars(
                    [(f"{text}（{share}%）", n) for text, n, share in item["options"]],
                    aria_label=question.text)
            else:
                page = Paginator(text_answers(question), TEXT_PAGE_SIZE).get_page(
                    request.GET.get(f"p{question.pk}"))
                for answer in page.object_list:
                    answer.shown = redact_personal(answer.text)
                item["page"], item["page_param"] = page, f"p{question.pk}"
        return TemplateResponse(request, self.template_name, {
            "object": questionnaire, "title": f"结果：{questionnaire.title}",
            "can_forward": can_forward, **results})


QUESTIONNAIRE_POSTER_LINES = ["微信或手机相机扫码，即可填写征求意见表",
                              "匿名填写，不收集您的个人信息"]


class QuestionnairePosterView(RoleRequiredMixin, View):
    """An A4 poster (PDF) with the QR code of a questionnaire's public page."""

    model = Questionnaire
    allowed_roles = KEEPERS

    def get(self, request, pk):
        questionnaire = get_object_or_404(
            Questionnaire.objects.restrict(request.user, VIEW).select_related("unit"), pk=pk)
        url = request.build_absolute_uri(reverse("opinions:questionnaire_public",
                                                 args=[questionnaire.key]))
        lines = [f"征集时间：{questionnaire.starts_on:%Y-%m-%d} 至 "
                 f"{questionnaire.ends_on:%Y-%m-%d}", *QUESTIONNAIRE_POSTER_LINES]
        pdf = qr_poster_pdf(title=questionnaire.title, subtitle=questionnaire.unit.name,
                            url=url, user=request.user, lines=lines)
        return pdf_response(pdf, f"征求意见表二维码-{questionnaire.title}")


class AnswerOpinionView(RoleRequiredMixin, View):
    """转为群众意见: a text answer joins the opinions ledger in one step."""

    model = Answer
    policy_action = CHANGE

    def post(self, request, pk):
        answer = get_object_or_404(Answer.objects.restrict(request.user, CHANGE)
                                   .select_related("response"), pk=pk)
        results = reverse("opinions:questionnaire_results",
                          args=[answer.response.questionnaire_id])
        try:
            opinion = answer_to_opinion(answer=answer, acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect(results)
        messages.success(request, f"已转为群众意见：{opinion.code}")
        return redirect(opinion.get_absolute_url())


QUESTIONNAIRE_LIMIT_PER_ADDRESS = (10, 3600)   # 10 answers an hour from one address
QUESTIONNAIRE_LIMIT_PER_FORM = (2000, 86400)   # and at most 2,000 a day to one questionnaire


@method_decorator(login_not_required, name="dispatch")
class PublicQuestionnaireView(View):
    """The public page of a questionnaire (no login), from its link or QR code: open during
    its period, saying otherwise that it has not begun or has ended."""

    template_name = "opinions/questionnaire_public.html"

    def render(self, questionnaire, form, status=200, **extra):
        state = questionnaire.state(timezone.localdate())
        return TemplateResponse(self.request, self.template_name, {
            "object": questionnaire, "form": form if state == "征集中" else None,
            "state": state, "title": questionnaire.title, **extra}, status=status)


    def questionnaire(self, key):
        return get_object_or_404(Questionnaire.objects.select_related("unit"), key=key)

    def form(self, questionnaire, data=None):
        return forms.PublicQuestionnaireForm(
            data, questions=questionnaire.questions.prefetch_related("options"))

    def get(self, request, key):
        questionnaire = self.questionnaire(key)
        if request.GET.get("sent") == "1":  # after a submission (a reload sends nothing)
            return self.render(questionnaire, None, title="提交成功", thanks=True)
        return self.render(questionnaire, self.form(questionnaire))

    def sent(self, questionnaire):
        return redirect(f"{reverse('opinions:questionnaire_public', args=[questionnaire.key])}"
                        "?sent=1")

    def post(self, request, key):
        questionnaire = self.questionnaire(key)
        if questionnaire.state(timezone.localdate()) != "征集中":
            return self.render(questionnaire, None)
        form = self.form(questionnaire, request.POST)
        if not form.is_valid():
            return self.render(questionnaire, form)
        if form.cleaned_data["website"]:
            # A robot filled the hidden field: it is told nothing different, nothing is kept.
            return self.sent(questionnaire)
        address = client_address(request)
        if not (within_limit(f"questionnaire:{address}", *QUESTIONNAIRE_LIMIT_PER_ADDRESS)
                and within_limit(f"questionnaire-form:{questionnaire.pk}",
                                 *QUESTIONNAIRE_LIMIT_PER_FORM)):
            form.add_error(None, "提交过于频繁，请稍后再试")
            return self.render(questionnaire, form, status=429)
        try:
            questionnaire_submit(questionnaire=questionnaire, answers=form.answers())
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render(questionnaire, form)
        return self.sent(questionnaire)
