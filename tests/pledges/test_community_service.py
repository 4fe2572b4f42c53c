"""双报到: a community publishes its needs and volunteer activities, registered members sign
up, the community records their hours, and its quarterly letter goes to their employer."""

import datetime as dt
import subprocess
from decimal import Decimal

from django.urls import reverse

from liaison.models import Category
from pledges.models import Registration, ServiceActivity, ServiceSignup
from pledges.selectors import quarter_bounds
from tests.factories import CadreFactory, PositionFactory
from tests.viewtests import (
    CreateViewTests,
    DeleteViewTests,
    DetailViewTests,
    EditViewTests,
    HistoryViewTests,
    ListViewTests,
)


class TestServiceActivityViews(ListViewTests, DetailViewTests, CreateViewTests, EditViewTests,
                               DeleteViewTests, HistoryViewTests):
    model = ServiceActivity
    url_name = "pledges:activity"
    in_scope, out_of_scope = "activity_in", "activity_out"
    edit_changes = {"capacity": "6"}

    def form_data(self, tree):
        return {"community": tree.community_in.pk, "kind": "need", "title": "为独居老人修水管",
                "description": "3 号楼", "date": "2025-05-01", "capacity": "2"}

    def deletable(self, tree):
        return tree.activity_in


def test_a_registered_member_signs_up_once_and_an_unregistered_one_is_told_to_register(
        client, users, tree):
    client.force_login(users.cadre)  # GB001, registered with 东城一社区 since 2025-03-01
    url = reverse("pledges:activity_signup", args=[tree.activity_in.pk])
    client.post(url)
    assert ServiceSignup.objects.filter(activity=tree.activity_in, cadre=tree.cadre_in).exists()
    again = client.post(url, follow=True)
    assert "您已报名" in again.content.decode()
    Registration.objects.filter(cadre=tree.cadre_in).update(end_date=dt.date(2025, 3, 31))
    other = ServiceActivity.objects.create(community=tree.community_in, kind="need",
                                           title="修水管", date=dt.date(2025, 5, 1))
    refused = client.post(reverse("pledges:activity_signup", args=[other.pk]), follow=True)
    assert "请先到东城一社区报到，再报名参加" in refused.content.decode()
    assert not other.signups.exists()


def test_the_last_place_is_taken_once(client, users, tree):
    tree.activity_in.capacity = 1
    tree.activity_in.save()
    someone = CadreFactory(code="GB095", name="钱七")
    Registration.objects.create(cadre=someone, community=tree.community_in,
                                start_date=dt.date(2025, 1, 1))
    ServiceSignup.objects.create(activity=tree.activity_in, cadre=someone)
    client.force_login(users.cadre)
    full = client.post(reverse("pledges:activity_signup", args=[tree.activity_in.pk]),
                       follow=True)
    assert "名额已满（需要 1 人）" in full.content.decode()


def test_the_community_records_hours_within_bounds(client, users, tree):
    signup = ServiceSignup.objects.create(activity=tree.activity_in, cadre=tree.cadre_in)
    client.force_login(users.unit_admin)
    url = reverse("pledges:activity_hours", args=[tree.activity_in.pk])
    bad = client.post(url, {f"hours-{signup.pk}": "30"}, follow=True)
    assert "张三：服务时长应在 0 至 24 小时之间" in bad.content.decode()
    client.post(url, {f"hours-{signup.pk}": "2.5"})
    signup.refresh_from_db()
    assert (signup.hours, signup.recorded_by) == (Decimal("2.5"), users.unit_admin)
    client.force_login(users.cadre)  # a member does not record their own hours
    assert client.post(url, {f"hours-{signup.pk}": "9"}).status_code == 403


def test_the_quarterly_letter_goes_to_the_members_employer_with_the_hours(
        client, users, tree):
    employer = PositionFactory(cadre=tree.cadre_in, organization=tree.unit,
                               category=Category.COMMUNITY_CADRE,
                               start_date=dt.date(2020, 1, 1))
    assert employer.organization.name == "区委组织部"
    ServiceSignup.objects.create(activity=tree.activity_in, cadre=tree.cadre_in,
                                 hours=Decimal("3.0"))
    later = ServiceActivity.objects.create(community=tree.community_in, kind="need",
                                           title="七月的需求", date=dt.date(2025, 7, 2))
    ServiceSignup.objects.create(activity=later, cadre=tree.cadre_in, hours=Decimal("9"))
    client.force_login(users.unit_admin)
    response = client.get(reverse("pledges:registration_letter",
                                  args=[tree.registration_in.pk]), {"year": 2025, "quarter": 2})
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True,
                          check=True).stdout.decode()
    assert "区委组织部党组织" in text and "张三" in text and "清理楼道小广告" in text
    assert "累计服务 3.0 小时" in text and "七月的需求" not in text
    assert client.get(reverse("pledges:registration_letter",
                              args=[tree.registration_out.pk])).status_code == 404
    bad = client.get(reverse("pledges:registration_letter", args=[tree.registration_in.pk]),
                     {"year": 2025, "quarter": 5})
    assert bad.status_code == 404


def test_quarters_end_where_they_should():
    assert quarter_bounds(2025, 1) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    assert quarter_bounds(2025, 4) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_the_demo_builds_posts_activities_and_vetting_states(tree):
    import random

    from django.utils import timezone

    from pledges.demo import pledges_demo
    from pledges.models import Pledge, PledgePost

    PositionFactory(cadre=tree.cadre_out, organization=tree.unit,
                    start_date=dt.date(2020, 1, 1))
    Registration.objects.all().delete()
    Pledge.objects.all().delete()
    pledges_demo(random.Random(7), timezone.localdate())
    assert PledgePost.objects.exists() and ServiceActivity.objects.filter(
        community=tree.community_in).count() == 4  # 3 + the tree's
    for pledge in Pledge.objects.all():
        assert pledge.sector and (pledge.published_on is None or pledge.status == "approved")
