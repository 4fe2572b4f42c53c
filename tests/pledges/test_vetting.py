"""审核: a member drafts and submits, the Party organization (its secretary or the unit admin)
approves or returns with a reason, and only an approved pledge is published."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison.models import Notification
from liaison.permissions import Role
from pledges.models import Pledge
from pledges.services import pledge_publish, pledge_submit, pledge_vet
from tests.conftest import make_user
from tests.factories import CadreFactory, PositionFactory

ITEMS = "每周入户走访；组织邻里活动"


@pytest.fixture
def draft(tree):
    return Pledge.objects.create(cadre=tree.cadre_in, year=2026, organization=tree.community_in,
                                 items=ITEMS)


@pytest.fixture
def secretary(tree):
    login = make_user(Role.CADRE, tree.community_in, username="shuji")
    return PositionFactory(cadre=CadreFactory(code="GB070", name="王书记", user=login),
                           organization=tree.community_in, party_secretary=True,
                           start_date=dt.date(2020, 1, 1)).cadre


def test_a_member_submits_the_secretary_returns_with_a_reason_the_member_sees_it(
        client, users, tree, draft, secretary):
    client.force_login(users.cadre)
    client.post(reverse("pledges:pledge_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Pledge.Status.SUBMITTED and draft.submitted_at
    assert Notification.objects.filter(user=secretary.user).exists()
    # While it is vetted the wording is locked.
    edit = client.post(reverse("pledges:pledge_edit", args=[draft.pk]),
                       {"year": 2026, "organization": tree.community_in.pk,
                        "items": "别的；内容"})
    assert "承诺已提交党组织审核，审核期间内容不能修改" in edit.content.decode()

    client.force_login(secretary.user)
    pending = client.get(reverse("pledges:vetting"))
    assert [p.pk for p in pending.context["pledges"]] == [draft.pk]
    url = reverse("pledges:pledge_vet", args=[draft.pk])
    no_reason = client.post(url, {"decision": "return", "reason": " "})
    assert "退回时请填写退回原因" in no_reason.content.decode()
    client.post(url, {"decision": "return", "reason": "第二项请写明每月几次"})
    draft.refresh_from_db()
    assert (draft.status, draft.return_reason, draft.vetted_by) == (
        Pledge.Status.RETURNED, "第二项请写明每月几次", secretary.user)

    client.force_login(users.cadre)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "党组织退回原因" in page and "第二项请写明每月几次" in page and "已退回" in page
    assert Notification.objects.filter(user=users.cadre, text__contains="被退回").exists()
    # The member changes it and submits again.
    client.post(reverse("pledges:pledge_edit", args=[draft.pk]),
                {"year": 2026, "organization": tree.community_in.pk,
                 "items": "每周入户走访；每月组织一次邻里活动"})
    client.post(reverse("pledges:pledge_submit", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Pledge.Status.SUBMITTED
    assert draft.item_list()[1] == "每月组织一次邻里活动"


def test_only_an_approved_pledge_is_published(client, users, tree, draft):
    client.force_login(users.cadre)
    client.post(reverse("pledges:pledge_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.published_on is None
    with pytest.raises(ValidationError, match="须经党组织审核通过后才能公开"):
        pledge_publish(pledge=draft, acting_user=users.cadre)
    pledge_submit(pledge=draft, acting_user=users.cadre)
    client.force_login(users.unit_admin)  # the unit admin of 东城, in scope
    client.post(reverse("pledges:pledge_vet", args=[draft.pk]), {"decision": "approve"})
    draft.refresh_from_db()
    assert draft.status == Pledge.Status.APPROVED and draft.vetted_by == users.unit_admin
    client.force_login(users.cadre)
    client.post(reverse("pledges:pledge_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.published_on is not None and draft.stage == Pledge.PUBLISHED
    client.logout()
    board = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": 2026})
    assert "每周入户走访" in board.content.decode()


def test_a_publication_date_in_the_form_needs_the_approval(client, users, tree, draft):
    client.force_login(users.unit_admin)
    url = reverse("pledges:pledge_edit", args=[draft.pk])
    form = client.get(url).context["form"]
    assert "published_on" not in form.fields  # a draft offers no publication date
    draft.status = Pledge.Status.SUBMITTED
    draft.published_on = dt.date(2026, 1, 5)
    with pytest.raises(ValidationError, match="须经党组织审核通过后才能公开（当前：待审核）"):
        from liaison.services import record_save
        record_save(instance=draft, acting_user=users.unit_admin)


def test_nobody_vets_outside_their_organization_nor_their_own_pledge(
        client, users, tree, draft, secretary):
    pledge_submit(pledge=draft, acting_user=users.cadre)
    client.force_login(users.cadre)  # the member is no secretary
    assert client.get(reverse("pledges:pledge_vet", args=[draft.pk])).status_code == 404
    own = Pledge.objects.create(cadre=secretary, year=2026, organization=tree.community_in,
                                items=ITEMS, status=Pledge.Status.SUBMITTED)
    client.force_login(secretary.user)
    assert client.get(reverse("pledges:pledge_vet", args=[own.pk])).status_code == 404
    out = Pledge.objects.create(cadre=tree.cadre_out, year=2026,
                                organization=tree.community_out, items=ITEMS,
                                status=Pledge.Status.SUBMITTED)
    assert client.get(reverse("pledges:pledge_vet", args=[out.pk])).status_code == 404
    client.force_login(users.unit_admin)
    assert client.post(reverse("pledges:pledge_vet", args=[out.pk]),
                       {"decision": "approve"}).status_code == 404
    out.refresh_from_db()
    assert out.status == Pledge.Status.SUBMITTED


def test_an_approved_pledge_is_approved_once_and_a_draft_is_not_vetted(users, draft):
    with pytest.raises(ValidationError, match="不能审核通过"):
        pledge_vet(pledge=draft, approve=True, acting_user=users.unit_admin)
    pledge_submit(pledge=draft, acting_user=users.cadre)
    pledge_vet(pledge=draft, approve=True, acting_user=users.unit_admin)
    with pytest.raises(ValidationError, match="当前为「审核通过」，不能审核通过"):
        pledge_vet(pledge=draft, approve=True, acting_user=users.unit_admin)
    with pytest.raises(ValidationError, match="不能提交审核"):
        pledge_submit(pledge=draft, acting_user=users.cadre)


def test_the_list_shows_each_pledges_status_and_filters_by_it(client, users, tree, draft):
    pledge_submit(pledge=draft, acting_user=users.cadre)
    client.force_login(users.unit_admin)
    url = reverse("pledges:pledge_list")
    page = client.get(url).content.decode()
    assert "待审核" in page and "已公开" in page
    assert "有 1 份承诺等待您审核" in page
    submitted = client.get(url, {"stage": "submitted"}).context["page"].object_list
    assert [p.pk for p in submitted] == [draft.pk]
    published = client.get(url, {"stage": "published"}).context["page"].object_list
    assert [p.pk for p in published] == [tree.pledge_in.pk]


def test_an_imported_pledge_with_a_publication_date_is_approved_and_published(roster):
    from liaison.imports import import_file

    header = "干部编码,年度,所在党组织编码,承诺事项,公开日期,评定等次,评定日期"
    outcome = import_file(kind="pledges", filename="p.csv", content="\n".join([
        header, "GB006,2025,BSC01,解决三个问题；每月下访,2025-01-30,,",
        "GB009,2025,BSC01,联系两个社区；组织培训,,,"]).encode())
    assert outcome.ok, outcome.errors
    published = Pledge.objects.get(cadre__code="GB006")
    assert (published.status, published.stage) == ("approved", "published")
    assert Pledge.objects.get(cadre__code="GB009").stage == "draft"


def test_the_workbench_shows_the_return_reason_and_the_service_hours(client, users, tree):
    from decimal import Decimal

    from django.utils import timezone

    from pledges.models import ServiceSignup

    today = timezone.localdate()
    Pledge.objects.create(cadre=tree.cadre_in, year=today.year,
                          organization=tree.community_in, items=ITEMS, status="returned",
                          return_reason="请写明走访户数")
    tree.activity_in.date = today.replace(month=1, day=1)
    tree.activity_in.save()
    ServiceSignup.objects.create(activity=tree.activity_in, cadre=tree.cadre_in,
                                 hours=Decimal("2.5"))
    client.force_login(users.cadre)
    page = client.get(reverse("workbench")).content.decode()
    assert "党组织退回原因：请写明走访户数" in page
    assert "年社区服务 2.5 小时" in page
