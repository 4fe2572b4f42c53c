"""The reception rota as a month calendar and as an .ics feed per leader."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from petitions.calendars import feed_token
from petitions.models import ReceptionDay


def test_the_month_calendar_places_each_reception_day_on_its_date(client, users, tree):
    client.force_login(users.cadre)
    page = client.get(reverse("petitions:reception_calendar"), {"month": "2025-03"})
    weeks = page.context["weeks"]
    placed = {day: [r.host.code for r in days] for week in weeks for day, days in week if day}
    assert placed[tree.reception_in.date] == ["GB100"]
    assert len(placed) == 31 and page.context["next"].isoformat() == "2025-04-01"
    assert client.get(reverse("petitions:reception_calendar"),
                      {"month": "2025-13"}).status_code == 200  # a bad month: this month


def test_a_leader_subscribes_to_their_own_days(client, users, tree):
    coming = ReceptionDay.objects.create(date=timezone.localdate() + dt.timedelta(days=10),
                                         host=tree.cadre_out, substitute=tree.leader_in,
                                         mode="fixed", place="区信访局接待大厅")
    token = feed_token(tree.leader_in.pk)
    response = client.get(reverse("petitions:reception_feed", args=[token]))  # no login
    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert f"DTSTART;VALUE=DATE:{coming.date:%Y%m%d}" in body
    assert "接访日（B角（A角 李四）" in body and "LOCATION:区信访局接待大厅" in body
    assert "20250305" not in body  # more than a year ago
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_a_made_up_feed_url_is_refused(client, tree):
    forged = feed_token(tree.leader_in.pk)[:-2] + "xx"
    assert client.get(reverse("petitions:reception_feed", args=[forged])).status_code == 404


def test_the_cadre_finds_their_feed_address(client, users, tree):
    client.force_login(users.cadre)
    page = client.get(reverse("petitions:reception_feed_link")).content.decode()
    assert feed_token(tree.cadre_in.pk) in page


def test_the_office_plans_months_ahead_but_records_who_received_only_afterwards(
        client, users, tree):
    client.force_login(users.petitions)
    ahead = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    later = (timezone.localdate() + dt.timedelta(days=41)).isoformat()
    data = {"date": ahead, "host": tree.leader_in.pk, "substitute": "", "received_by": "",
            "mode": "fixed", "place": "", "notes": ""}
    assert client.post(reverse("petitions:reception_create"), data).status_code == 302
    refused = client.post(reverse("petitions:reception_create"),
                          {**data, "date": later, "received_by": tree.leader_in.pk})
    assert "接访日尚未到来，不能登记实际接待人" in refused.content.decode()
