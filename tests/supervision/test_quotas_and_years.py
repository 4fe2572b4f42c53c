import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from liaison.compliance.engine import quotas_for
from liaison.models import ClosedYear, Quota
from liaison.services import record_save
from research.models import ResearchTrip


def quota_form(year, **changes):
    from supervision.forms import QuotaTableForm

    form = QuotaTableForm(year=year)
    data = {name: form.fields[name].initial for name in form.fields}
    data.update(changes)
    data["year"] = year
    return data


def test_a_year_without_a_table_shows_the_one_in_force(client, people):
    client.force_login(people.org_dept)
    page = client.get(reverse("supervision:quotas"), {"year": 2026})
    assert "尚无自己的指标表" in page.content.decode()
    assert page.context["form"].fields["research_days__district_principal"].initial == 35


def test_org_dept_edits_a_years_quotas_and_the_change_is_audited(client, people):
    client.force_login(people.org_dept)
    response = client.post(reverse("supervision:quotas"),
                           quota_form(2026, research_days__section_cadre=12))
    assert response.status_code == 302
    assert quotas_for(2026)["research_days"]["section_cadre"] == 12
    assert quotas_for(2027)["research_days"]["section_cadre"] == 12  # carried forward
    assert quotas_for(2025)["research_days"]["section_cadre"] == 15
    record = Quota.history.filter(year=2026, category="section_cadre",
                                  metric="research_days").first()
    assert record.history_user == people.org_dept
    client.post(reverse("supervision:quotas"), quota_form(2026, research_days__section_cadre=10))
    changes = Quota.history.filter(year=2026, metric="research_days", category="section_cadre")
    assert [h.value for h in changes.order_by("history_date")] == [12, 10]


def test_bad_quota_values_are_explained(client, people):
    client.force_login(people.org_dept)
    page = client.post(reverse("supervision:quotas"),
                       quota_form(2026, research_days__section_cadre=-1))
    assert "不能为负数" in page.content.decode()
    assert not Quota.objects.exists()


def test_inspectors_cannot_edit_quotas(client, people):
    client.force_login(people.inspector)
    assert client.get(reverse("supervision:quotas")).status_code == 200
    assert client.post(reverse("supervision:quotas"), quota_form(2026)).status_code == 403


def test_closing_a_year_makes_its_records_read_only_and_reopening_is_recorded(
        client, people, example):
    client.force_login(people.org_dept)
    client.post(reverse("supervision:years"), {"year": 2025, "action": "close"})
    assert ClosedYear.objects.filter(year=2025).exists()
    trip = ResearchTrip.objects.first()
    trip.title = "改动"
    with pytest.raises(ValidationError, match="2025年已关闭"):
        record_save(instance=trip, acting_user=people.org_dept)
    with pytest.raises(ValidationError, match="2025年已关闭"):
        from liaison.services import record_delete

        record_delete(instance=ResearchTrip.objects.first(), acting_user=people.org_dept)
    client.post(reverse("supervision:years"), {"year": 2025, "action": "reopen"})
    assert not ClosedYear.objects.filter(year=2025).exists()
    history = ClosedYear.history.filter(year=2025).order_by("history_date")
    assert [(h.history_type, h.history_user) for h in history] == [
        ("+", people.org_dept), ("-", people.org_dept)]
    record_save(instance=trip, acting_user=people.org_dept)


def test_a_record_cannot_be_moved_out_of_a_closed_year(people, example):
    ClosedYear.objects.create(year=2025, closed_by=people.org_dept)
    trip = ResearchTrip.objects.first()
    trip.start_date = trip.end_date = dt.date(2024, 6, 1)
    with pytest.raises(ValidationError):
        record_save(instance=trip, acting_user=people.org_dept)


def test_only_org_dept_closes_years(client, people):
    client.force_login(people.inspector)
    assert client.post(reverse("supervision:years"), {"year": 2025}).status_code == 403
    client.force_login(people.east_admin)
    assert client.get(reverse("supervision:years")).status_code == 403


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "不能为负数"), ("400", "不能超过 366"), ("三", "请输入整数"), ("", "不能为空")])
def test_a_bad_quota_is_refused_by_the_server_in_chinese(client, people, value, message):
    client.force_login(people.org_dept)
    response = client.post(reverse("supervision:quotas"),
                           quota_form(2026, research_days__section_cadre=value))
    assert response.status_code == 200 and message in response.content.decode()
    assert not Quota.objects.filter(year=2026).exists()  # nothing of the table is saved
