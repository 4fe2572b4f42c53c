"""Inspections (督查) and their rectification items (整改): the inspectors keep them, the
inspected unit reports, the inspectors accept or return; a covert inspection stays hidden
from the inspected unit until its findings are published; overdue items reach the dashboard."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison.permissions import VIEW
from supervision import services
from supervision.models import Inspection, Rectification


@pytest.fixture
def covert(tree, users):
    inspection = Inspection(title="暗访东城一社区", regularity="regular", timing="random",
                            manner="covert", organizer=tree.east,
                            start_date=dt.date(2025, 9, 1), end_date=dt.date(2025, 9, 1),
                            inspectors="督查员甲", findings="值班无人")
    services.inspection_save(inspection=inspection, units=[tree.community_in],
                             acting_user=users.inspector)
    item = Rectification(inspection=inspection, unit=tree.community_in, problem="值班无人",
                         deadline=dt.date(2025, 10, 1))
    services.rectification_save(item=item, acting_user=users.inspector)
    return inspection


def visible(model, user):
    return set(model.objects.restrict(user, VIEW).values_list("pk", flat=True))


def test_a_covert_inspection_is_hidden_from_the_unit_until_published(covert, users, client):
    item = covert.rectifications.get()
    assert covert.pk not in visible(Inspection, users.unit_admin)
    assert item.pk not in visible(Rectification, users.unit_admin)
    assert covert.pk in visible(Inspection, users.inspector)
    client.force_login(users.unit_admin)
    assert client.get(covert.get_absolute_url()).status_code == 404
    assert "值班无人" not in client.get(reverse("supervision:rectification_list")).content.decode()

    services.inspection_publish(inspection=covert, acting_user=users.inspector)
    assert covert.pk in visible(Inspection, users.unit_admin)
    page = client.get(covert.get_absolute_url()).content.decode()
    assert "值班无人" in page and "报告已整改" in page


def test_publishing_is_for_covert_inspections_with_findings_once(tree, users, covert):
    with pytest.raises(ValidationError, match="明查"):
        services.inspection_publish(inspection=tree.inspection_in, acting_user=users.inspector)
    services.inspection_publish(inspection=covert, acting_user=users.inspector)
    with pytest.raises(ValidationError, match="已经通报"):
        services.inspection_publish(inspection=covert, acting_user=users.inspector)


def test_the_unit_reports_and_the_inspectors_return_then_accept(tree, users, client):
    item = tree.rectification_in
    client.force_login(users.unit_admin)
    url = reverse("supervision:rectification_report", args=[item.pk])
    client.post(url, {"report": ""})
    item.refresh_from_db()
    assert item.status == Rectification.Status.IN_PROGRESS  # an empty report is refused
    client.post(url, {"report": "已补齐走访记录"})
    item.refresh_from_db()
    assert item.status == Rectification.Status.REPORTED and item.reported_on is not None
    # The unit cannot accept its own report.
    review = reverse("supervision:rectification_review", args=[item.pk])
    assert client.post(review, {"decision": "accept"}).status_code == 403

    client.force_login(users.inspector)
    client.post(review, {"decision": "return", "reason": ""})
    item.refresh_from_db()
    assert item.status == Rectification.Status.REPORTED  # a return needs its reason
    client.post(review, {"decision": "return", "reason": "记录仍不完整"})
    item.refresh_from_db()
    assert (item.status, item.return_reason) == (Rectification.Status.IN_PROGRESS, "记录仍不完整")

    client.force_login(users.unit_admin)
    client.post(url, {"report": "已逐户补录"})
    client.force_login(users.inspector)
    client.post(review, {"decision": "accept"})
    item.refresh_from_db()
    assert item.status == Rectification.Status.ACCEPTED
    assert item.accepted_by == users.inspector and item.return_reason == ""
    with pytest.raises(ValidationError, match="已验收"):
        services.rectification_save(item=item, acting_user=users.inspector)


def test_an_item_is_for_an_inspected_unit_and_another_unit_cannot_report(tree, users, client):
    item = Rectification(inspection=tree.inspection_in, unit=tree.community_out, problem="x",
                         deadline=dt.date(2025, 6, 30))
    with pytest.raises(ValidationError) as refused:
        services.rectification_save(item=item, acting_user=users.inspector)
    assert refused.value.message_dict == {"unit": ["责任单位应为被督查单位或其下级单位"]}
    client.force_login(users.unit_admin)
    far = reverse("supervision:rectification_report", args=[tree.rectification_out.pk])
    assert client.post(far, {"report": "x"}).status_code == 404


def test_inspectors_add_items_from_the_inspection_page(tree, users, client):
    client.force_login(users.inspector)
    url = reverse("supervision:rectification_create") + f"?inspection={tree.inspection_in.pk}"
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, {"unit": tree.community_in.pk, "problem": "公示栏未更新",
                                 "requirement": "一周内更新", "deadline": "2025-07-15"})
    assert response.status_code == 302
    assert tree.inspection_in.rectifications.filter(problem="公示栏未更新").exists()
    other = reverse("supervision:rectification_create") + \
        f"?inspection={tree.inspection_out.pk}"
    assert client.get(other).status_code == 404  # not an inspection this user keeps
    assert client.get(reverse("supervision:rectification_create")).status_code == 404


def test_overdue_items_are_listed_and_counted_on_the_dashboard(tree, users, client):
    client.force_login(users.org_dept)
    listed = client.get(reverse("supervision:rectification_list") + "?overdue=true")
    assert "走访记录不全" in listed.content.decode() and "逾期" in listed.content.decode()
    page = client.get(reverse("supervision:dashboard"))
    assert page.context["overdue_rectifications"] == 1  # the other one is out of scope
    assert "查看逾期整改事项" in page.content.decode()


def test_an_inspection_needs_a_target_unit(tree, users):
    inspection = Inspection(title="空", regularity="regular", timing="random", manner="open",
                            organizer=tree.east, start_date=dt.date(2025, 9, 2),
                            end_date=dt.date(2025, 9, 1), inspectors="甲")
    with pytest.raises(ValidationError) as refused:
        services.inspection_save(inspection=inspection, units=[], acting_user=users.inspector)
    assert "units" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.inspection_save(inspection=inspection, units=[tree.community_in],
                                 acting_user=users.inspector)
    assert refused.value.message_dict == {"end_date": ["结束日期不能早于开始日期"]}


def test_an_inspection_is_recorded_on_its_form(tree, users, client):
    client.force_login(users.inspector)
    response = client.post(reverse("supervision:inspection_create"), {
        "title": "季度督查", "regularity": "phased", "timing": "scheduled", "manner": "covert",
        "organizer": tree.east.pk, "units": [tree.community_in.pk],
        "start_date": "2025-10-08", "end_date": "2025-10-09", "inspectors": "甲、乙",
        "findings": ""})
    inspection = Inspection.objects.get(title="季度督查")
    assert response.status_code == 302 and list(inspection.units.all()) == [tree.community_in]
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert "暗访，未通报" in page and "通报问题" in page
    client.force_login(users.unit_admin)
    assert client.get(reverse("supervision:inspection_create")).status_code == 403
