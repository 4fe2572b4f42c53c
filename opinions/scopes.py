"""Which opinions and analysis reports a user may see or change (liaison.permissions).

An opinion belongs to two units: the one that collected it and the one that must answer it;
the admins of either (and 组织部 above them) keep it, 纪检监察 reads it. The submitter's
contact is personal data, seen in full by the handling unit's side only.
"""

from __future__ import annotations

from django.db.models import Q

from liaison.permissions import CHANGE, Policy, Role, grants_with, scope_for, subtree_q
from opinions.models import (
    Answer,
    Opinion,
    OpinionAnalysis,
    Option,
    Question,
    Questionnaire,
    QuestionnaireResponse,
)

KEEPERS = (Role.ORG_DEPT, Role.UNIT_ADMIN)
READERS = (Role.ORG_DEPT, Role.INSPECTOR, Role.UNIT_ADMIN)


def _grants(user, action: str):
    return grants_with(user, *(KEEPERS if action == CHANGE else READERS))


@scope_for(Opinion, policy=Policy(view=READERS, change=KEEPERS, personal_data=KEEPERS,
                                  org_path="handling_unit__path"))
def opinion_scope(user, action: str) -> Q:
    grants = _grants(user, action)
    return subtree_q(grants, "handling_unit__path") | subtree_q(grants, "collecting_unit__path")


@scope_for(OpinionAnalysis, policy=Policy(view=READERS, change=KEEPERS))
def analysis_scope(user, action: str) -> Q:
    return subtree_q(_grants(user, action), "unit__path")


# 征求意见表 belong to the unit that collects the answers; their questions, options, responses
# and answers follow it.
def _questionnaire_q(user, action: str, prefix: str) -> Q:
    return subtree_q(_grants(user, action), f"{prefix}unit__path")


@scope_for(Questionnaire, policy=Policy(view=READERS, change=KEEPERS))
def questionnaire_scope(user, action: str) -> Q:
    return _questionnaire_q(user, action, "")


@scope_for(Question, policy=Policy(view=READERS, change=KEEPERS))
def question_scope(user, action: str) -> Q:
    return _questionnaire_q(user, action, "questionnaire__")


@scope_for(Option, policy=Policy(view=READERS, change=KEEPERS))
def option_scope(user, action: str) -> Q:
    return _questionnaire_q(user, action, "question__questionnaire__")


@scope_for(QuestionnaireResponse, policy=Policy(view=READERS, change=KEEPERS))
def response_scope(user, action: str) -> Q:
    return _questionnaire_q(user, action, "questionnaire__")


@scope_for(Answer, policy=Policy(view=READERS, change=KEEPERS))
def answer_scope(user, action: str) -> Q:
    return _questionnaire_q(user, action, "response__questionnaire__")
