"""Writes of opinions: validated (opinions.rules), audited, with the feedback due date
stored on the working calendar."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.personal import redact_personal
from liaison.services import record_save, refresh_stored
from liaison.workdays import WorkingCalendar
from opinions.models import (
    FEEDBACK_DAYS,
    Answer,
    Opinion,
    Option,
    Question,
    Questionnaire,
    QuestionnaireResponse,
)
from opinions.rules import questions_check

CODE_PREFIX = "YJ"


def feedback_due(opinion: Opinion, calendar: WorkingCalendar) -> None:
    opinion.feedback_due = (calendar.due(opinion.received_on, FEEDBACK_DAYS)
                            if opinion.received_on else None)


@transaction.atomic
def opinion_save(*, opinion: Opinion, acting_user,
                 calendar: WorkingCalendar | None = None) -> Opinion:
    """Save an opinion (new or changed); one entered without a code gets a random one, so
    that concurrent intakes never draw the same."""
    if not opinion.code and opinion.received_on:
        opinion.code = f"{CODE_PREFIX}{opinion.received_on:%Y%m%d}-{uuid.uuid4().hex[:6].upper()}"
    feedback_due(opinion, calendar or WorkingCalendar.load())
    publication_texts(opinion)
    return record_save(instance=opinion, acting_user=acting_user)


def publication_texts(opinion: Opinion) -> None:
    """A published opinion shows its texts without personal data: filled in automatically
    when it was published without the page that shows them first (an import)."""
    if not opinion.published:
        opinion.published_text = opinion.published_explanation = ""
    elif not opinion.published_text:
        opinion.published_text = redact_personal(opinion.content)
        opinion.published_explanation = redact_personal(opinion.explanation)


@transaction.atomic
def opinion_publish(*, opinion: Opinion, text: str, explanation: str, acting_user) -> Opinion:
    """Publish an answered opinion with the texts the publisher confirmed."""
    if not opinion.result:
        raise ValidationError("尚未处理的意见不能公开，请先填写处理结果")
    if not text.strip():
        raise ValidationError({"text": "公开内容不能为空"})
    opinion.published = True
    # The names were checked by the publisher, who may have repaired a word taken for one;
    # numbers and addresses typed back in are still removed.
    opinion.published_text = redact_personal(text.strip(), names=False)
    opinion.published_explanation = redact_personal(explanation.strip(), names=False)
    return record_save(instance=opinion, acting_user=acting_user)


@transaction.atomic
def opinion_unpublish(*, opinion: Opinion, acting_user) -> Opinion:
    opinion.published = False
    publication_texts(opinion)
    return record_save(instance=opinion, acting_user=acting_user)


PUBLIC_MIN_LENGTH, PUBLIC_MAX_LENGTH = 5, 1000


def opinion_submit_public(*, unit, content: str, contact: str, category: str) -> Opinion:
    """An opinion sent through the public form (no login): received today by `unit`, which
    answers it or hands it on."""
    content = content.strip()
    if not PUBLIC_MIN_LENGTH <= len(content) <= PUBLIC_MAX_LENGTH:
        raise ValidationError({"content": f"意见内容应为 {PUBLIC_MIN_LENGTH} 至 "
                                          f"{PUBLIC_MAX_LENGTH} 字"})
    opinion = Opinion(received_on=timezone.localdate(), channel=Opinion.Channel.ONLINE,
                      collecting_unit=unit, handling_unit=unit, content=content,
                      submitter_contact=contact.strip()[:100], category=category.strip()[:50])
    return opinion_save(opinion=opinion, acting_user=None)


def opinion_dues_refresh(batch_size: int = 2000) -> int:
    """Recompute every opinion's feedback due date on the current calendar; returns how many
    changed."""
    calendar = WorkingCalendar.load()
    return refresh_stored(Opinion.objects.only("received_on", "feedback_due"), ("feedback_due",),
                          lambda opinion: feedback_due(opinion, calendar), batch_size)


@transaction.atomic
def opinion_forward(*, content: str, received_on, channel: str, unit, source: str,
                    acting_user) -> Opinion:
    """An opinion passed on from another system (a talk, a petition): collected and first
    handled by `unit`, labelled with its `source`. Forwarding the same source twice returns
    the opinion made the first time."""
    existing = Opinion.objects.select_for_update().filter(source=source).first()
    if existing is not None:
        return existing
    opinion = Opinion(received_on=received_on, channel=channel, collecting_unit=unit,
                      handling_unit=unit, content=content, source=source)
    return opinion_save(opinion=opinion, acting_user=acting_user)


def forwarded_from(sources) -> dict[str, Opinion]:
    """{source: opinion} of the given sources already forwarded."""
    return {o.source: o for o in Opinion.objects.filter(source__in=list(sources))}


@transaction.atomic
def opinions_answer(*, opinions, result: str, explanation: str, feedback_on,
                    acting_user) -> int:
    """Answer several similar opinions at once: each is validated and saved as a single
    answer would be, and if one fails none is changed."""
    calendar = WorkingCalendar.load()
    count = 0
    for opinion in opinions:
        opinion.result, opinion.explanation, opinion.feedback_on = result, explanation, \
            feedback_on
        try:
            opinion_save(opinion=opinion, acting_user=acting_user, calendar=calendar)
        except ValidationError as exc:
            raise ValidationError(f"{opinion.code}：{'；'.join(exc.messages)}") from exc
        count += 1
    return count


# --- 征求意见表 ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """A question as the builder gives it: options one per entry, in order."""

    kind: str
    text: str
    required: bool = True
    options: tuple[str, ...] = ()


def questions_of(questionnaire: Questionnaire) -> list[QuestionSpec]:
    """The stored questions as specs (what the builder form starts from)."""
    return [QuestionSpec(kind=q.kind, text=q.text, required=q.required,
                         options=tuple(o.text for o in q.options.all()))
            for q in questionnaire.questions.prefetch_related("options")]


ANSWERED_MESSAGE = "该意见表已有 {n} 份答卷，题目不能再修改（可以修改标题、说明和日期，或提前结束）"


@transaction.atomic
def questionnaire_save(*, questionnaire: Questionnaire, questions: list[QuestionSpec] | None,
                       acting_user) -> Questionnaire:
    """Save a questionnaire and, when `questions` is given, replace its questions. The
    questions of a questionnaire with answers stay as they were answered: a change is refused
    (the row is locked, so an answer arriving meanwhile waits for the save or sees it)."""
    if questionnaire.pk:
        Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    elif questions is None:
        raise ValidationError({"questions": "至少需要一道题目"})
    if questions is not None:
        questions = [QuestionSpec(kind=q.kind, text=q.text.strip(), required=q.required,
                                  options=tuple(o.strip() for o in q.options if o.strip()))
                     for q in questions]
        questions_check(questions)
        if questionnaire.pk:
            answered = questionnaire.responses.count()
            if answered and questions != questions_of(questionnaire):
                raise ValidationError(ANSWERED_MESSAGE.format(n=answered))
    if not questionnaire.key:
        questionnaire.key = secrets.token_hex(8)
    record_save(instance=questionnaire, acting_user=acting_user)
    if questions is not None and not questionnaire.responses.exists():
        questionnaire.questions.all().delete()
        made = Question.objects.bulk_create(
            Question(questionnaire=questionnaire, position=n, kind=q.kind, text=q.text,
                     required=q.required) for n, q in enumerate(questions, 1))
        Option.objects.bulk_create(
            Option(question=question, position=n, text=text)
            for question, spec in zip(made, questions, strict=True)
            for n, text in enumerate(spec.options, 1))
    return questionnaire


@transaction.atomic
def questionnaire_close(*, questionnaire: Questionnaire, acting_user) -> Questionnaire:
    """End the collection now, before the end date."""
    if questionnaire.state(timezone.localdate()) == "已结束":
        raise ValidationError("该意见表已经结束")
    questionnaire.closed_at = timezone.now()
    return record_save(instance=questionnaire, acting_user=acting_user)


PUBLIC_TEXT_MAX = 1000


@transaction.atomic
def questionnaire_submit(*, questionnaire: Questionnaire,
                         answers: dict[int, list[int] | str]) -> QuestionnaireResponse:
    """One public submission: {question id: [option ids] or text}; every answer is saved, or
    none. Refused outside the open period."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    state = questionnaire.state(timezone.localdate())
    if state != "征集中":
        raise ValidationError("该意见表尚未开始，暂不能提交" if state == "未开始"
                              else "该意见表已结束，不能再提交")
    questions = list(questionnaire.questions.prefetch_related("options"))
    rows, errors = [], []
    for question in questions:
        given = answers.get(question.pk)
        if question.kind == Question.Kind.TEXT:
            text = (given or "").strip() if isinstance(given, str) else ""
            if len(text) > PUBLIC_TEXT_MAX:
                errors.append(f"第{question.position}题：最多 {PUBLIC_TEXT_MAX} 字")
            elif text:
                rows.append(Answer(question=question, text=text))
            elif question.required:
                errors.append(f"第{question.position}题：请回答此题")
            continue
        options = {o.pk: o for o in question.options.all()}
        chosen = list(dict.fromkeys(given if isinstance(given, list) else []))
        if any(pk not in options for pk in chosen) or (
                question.kind == Question.Kind.SINGLE and len(chosen) > 1):
            errors.append(f"第{question.position}题：选择无效")
        elif chosen:
            rows.extend(Answer(question=question, option=options[pk]) for pk in chosen)
        elif question.required:
            errors.append(f"第{question.position}题：请选择")
    if errors:
        raise ValidationError(errors)
    response = QuestionnaireResponse.objects.create(questionnaire=questionnaire)
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    return response


@transaction.atomic
def answer_to_opinion(*, answer: Answer, acting_user) -> Opinion:
    """A text answer joins the opinions ledger in one step (channel 征求意见表), collected and
    first handled by the questionnaire's unit, linked both ways. Twice gives the same one."""
    answer = Answer.objects.select_for_update(of=("self",)).select_related(
        "question", "response__questionnaire__unit").get(pk=answer.pk)
    if answer.question.kind != Question.Kind.TEXT or not answer.text.strip():
        raise ValidationError("只有文字回答可以转为群众意见")
    questionnaire = answer.response.questionnaire
    opinion = opinion_forward(
        content=answer.text, channel=Opinion.Channel.FORM, unit=questionnaire.unit,
        received_on=timezone.localdate(answer.response.submitted_at),
        source=f"征求意见表 {questionnaire.pk} 回答 {answer.pk}", acting_user=acting_user)
    if answer.opinion_code != opinion.code:
        answer.opinion_code = opinion.code
        answer.save(update_fields=["opinion_code"])
    return opinion
