"""Which talks a user may see or change, and whose content they may read.

A talk is kept for its initiator, like the other cadre records (liaison.scopes): the cadre
and the admins of their unit write it, 组织部 and 纪检监察 read it. A participating cadre sees
it too. The content (summary, opinions raised) is private: the policy's `personal_data` holds
it to the people in the talk, 组织部 and 纪检监察; everybody else sees that it took place.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from liaison.permissions import CHANGE, Policy, Role, scope_for
from liaison.scopes import cadre_records_scope
from talks.models import Talk

CONTENT_READERS = (Role.ORG_DEPT, Role.INSPECTOR)


def in_the_talk(user) -> Q:
    joined = Talk.cadres.through.objects.filter(talk_id=OuterRef("pk"), cadre__user=user)
    return Q(initiator__user=user) | Q(Exists(joined))


@scope_for(Talk, policy=Policy(view=Role.LIAISON, change=Role.LEDGER_WRITERS,
                               personal_data=CONTENT_READERS,
                               org_path="initiator__positions__organization__path",
                               personal_rows=in_the_talk))
def talk_scope(user, action: str) -> Q:
    q = cadre_records_scope(user, action, "initiator")
    if action != CHANGE:
        q |= in_the_talk(user)
    return q
