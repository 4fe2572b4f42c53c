"""Rules of opinions and analysis reports, shared by the forms and the imports."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from liaison.models import Organization
from liaison.services import activity_dates_check, rules_for
from opinions.models import Opinion, OpinionAnalysis

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
