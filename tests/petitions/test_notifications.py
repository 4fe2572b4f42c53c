"""The daily deadline reminders: in the app and by e-mail, once a day, never to an accused
user."""

import datetime as dt

from django.urls import reverse

from liaison.models import Notification
from liaison.permissions import Role
from petitions.services import petition_deadline_notices
from tests.conftest import make_user

DAY = dt.date(2025, 3, 18)  # XF-IN's decision is due 2025-03-20: 2 working days left


def test_the_responsible_person_and_the_office_are_reminded_once_a_day(users, tree, mailoutbox):
    users.cadre.email = "gb001@example.org"
    users.cadre.save()
    assert petition_deadline_notices(DAY) == 2
    notices = {n.user.username: n.text for n in Notification.objects.all()}
    assert set(notices) == {"ganbu", "xfb"}
    assert notices["ganbu"] == "信访事项 XF-IN（东城的事）剩 2 个工作日，期限 2025-03-20"
    assert [m.to for m in mailoutbox] == [["gb001@example.org"]]
    assert petition_deadline_notices(DAY) == 0  # the same day again: nobody twice
    assert petition_deadline_notices(DAY + dt.timedelta(days=5)) == 2  # overdue now


def test_an_accused_office_user_is_not_told(users, tree):
    accused = make_user(Role.PETITIONS, tree.east, username="xf-accused")
    tree.leader_in.user = accused  # the office user is also the cadre the case accuses
    tree.leader_in.save()
    tree.petition_in.accused_cadres.set([tree.leader_in])
    petition_deadline_notices(DAY)
    assert not Notification.objects.filter(user=accused).exists()
    assert Notification.objects.filter(user=users.petitions).exists()


def test_the_notifications_page_shows_and_reads_them(client, users, tree):
    petition_deadline_notices(DAY)
    client.force_login(users.cadre)
    assert '通知 <span class="badge' in client.get(reverse("workbench")).content.decode()
    page = client.get(reverse("notifications")).content.decode()
    assert "XF-IN" in page and "新" in page
    assert not Notification.objects.filter(user=users.cadre, read_at__isnull=True).exists()
    assert '通知 <span class="badge' not in client.get(reverse("workbench")).content.decode()
