"""Rules of opinions and analysis reports, shared by the forms and the imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from liaison.models import Organization
from liaison.services import activity_dates_check, rules_for
from opinions.models import Opinion, OpinionAnalysis, Question, Questionnaire

ANALYSING_UNITS = (Organization.Type.SUBDISTRICT, Organization.Type.CLUSTER,
                   Organization.Type.DEPARTMENT)


@rules_for(Opinion)
def opinion_rules(opinion: Opinion) -> None:
    activity_dates_check(opinion.received_on, None, start_field="received_on")
    errors: dict[str, str] = {}
    if opinion.feedback_on:
        if not opinion.result:
            errors["result"] = "填写反馈日期须同时填写处理结果"
        if opinion.received_on and opinion.feedback_on < opinion.received_on:
            errors["feedback_on"] = "反馈日期不能早于收到日期"
        else:
            try:
                activity_dates_check(opinion.feedback_on, None, start_field="feedback_on")
            except ValidationError as exc:
                errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if opinion.published and not opinion.result:
        errors["published"] = "尚未处理的意见不能公开，请先填写处理结果"
    if errors:
        raise ValidationError(errors)


@rules_for(OpinionAnalysis)
def analysis_rules(analysis: OpinionAnalysis) -> None:
    activity_dates_check(analysis.date, None, start_field="date")
    if analysis.unit_id and analysis.unit.type not in ANALYSING_UNITS:
        raise ValidationError({"unit": "分析研判的单位应为办事处、集聚区或区直单位"})


QUESTIONS_MAX, OPTIONS_MAX = 50, 20


@rules_for(Questionnaire)
def questionnaire_rules(questionnaire: Questionnaire) -> None:
    if questionnaire.starts_on and questionnaire.ends_on and \
            questionnaire.ends_on < questionnaire.starts_on:
        raise ValidationError({"ends_on": "截止日期不能早于开始日期"})


def questions_check(questions) -> None:
    """A questionnaire's questions (opinions.services.QuestionSpec): at least one, each with
    its text, a choice question with at least two distinct options."""
    if not questions:
        raise ValidationError({"questions": "至少需要一道题目"})
    if len(questions) > QUESTIONS_MAX:
        raise ValidationError({"questions": f"题目最多 {QUESTIONS_MAX} 道"})
    errors = []
    for number, question in enumerate(questions, 1):
        if not question.text.strip():
            errors.append(f"第{number}题：请填写题目")
        if question.kind not in Question.Kind.values:
            errors.append(f"第{number}题：题型无效")
        elif question.kind != Question.Kind.TEXT:
            if len(question.options) < 2:
                errors.append(f"第{number}题：单选题和多选题至少需要两个选项")
            elif len(set(question.options)) != len(question.options):
                errors.append(f"第{number}题：选项不能重复")
            elif len(question.options) > OPTIONS_MAX:
                errors.append(f"第{number}题：选项最多 {OPTIONS_MAX} 个")
        elif question.options:
            errors.append(f"第{number}题：文字题不设选项")
    if errors:
        raise ValidationError({"questions": errors})
