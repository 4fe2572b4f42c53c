"""The demo computes the plausibility flags once (#13), with the service the nightly run calls,
so that the inspectors' 可信度提示 page is not empty before the first night; its records look
entered on their day, a few of them late, so that backdating flags a few, not all."""

import datetime as dt
import random

from django.urls import reverse
from django.utils import timezone

from contactpoints.models import Visit
from liaison.demo import DEMO_BUILDERS
from supervision.demo import plausibility_demo
from supervision.models import FlagRun, PlausibilityFlag
from tests.factories import HouseholdFactory, VisitFactory

RECORDS = 300


def test_the_flags_are_computed_last_of_every_demo_builder():
    assert DEMO_BUILDERS[-1] is plausibility_demo


def test_the_demo_flags_a_few_late_records_and_the_inspector_sees_them(tree, users, client):
    cadre, household = tree.cadre_in, HouseholdFactory(community=tree.community_in)
    today = timezone.localdate()
    for i in range(RECORDS):  # dated over the past year, all entered now as the demo does
        VisitFactory(cadre=cadre, target_household=household,
                     start_date=today - dt.timedelta(days=40 + i))
    PlausibilityFlag.objects.all().delete()

    plausibility_demo(random.Random(20251126), today)

    run = FlagRun.objects.latest("pk")
    assert run.status == FlagRun.Status.DONE
    late = PlausibilityFlag.objects.filter(rule="backdated", run=run,
                                           object_id__in=Visit.objects.filter(cadre=cadre))
    assert 0 < late.count() < RECORDS // 20  # about one in a hundred, not every record
    now = timezone.now()
    assert all(v.created_at <= now for v in Visit.objects.all())

    client.force_login(users.inspector)  # 东城's inspector: the household is in its scope
    html = client.get(reverse("supervision:flag_list")).content.decode()
    assert "补录" in html or "超过 30 天才录入系统" in html
    assert late.first().detail.split("，")[0] in html
