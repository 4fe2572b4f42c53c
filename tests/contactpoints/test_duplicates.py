"""One submission, one visit (#15 item 3): a repeated form saves nothing, and two requests
that both pass the rule check are stopped by the database with a message, never a 500."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from contactpoints.models import Visit
from liaison.services import DUPLICATE_MESSAGE, record_save


def visit_data(tree, token="a1b2c3", **overrides):
    data = {"cadre": tree.cadre_in.pk, "households": [tree.household_in.pk],
            "start_date": "2025-06-03", "end_date": "", "form_token": token}
    return data | overrides


def test_the_same_form_sent_twice_saves_one_visit(client, users, tree):
    client.force_login(users.cadre)
    url = reverse("contactpoints:household_visit_create")
    first = client.post(url, visit_data(tree))
    second = client.post(url, visit_data(tree), follow=True)
    assert first.status_code == 302
    assert Visit.objects.filter(start_date=dt.date(2025, 6, 3)).count() == 1
    assert "已经提交过" in second.content.decode()
    assert second.redirect_chain[-1][0] == first["Location"]


def test_a_refused_form_can_be_corrected_and_sent_with_its_token(client, users, tree):
    client.force_login(users.cadre)
    url = reverse("contactpoints:household_visit_create")
    refused = client.post(url, visit_data(tree, start_date="2099-01-01"))
    assert refused.status_code == 200  # a date in the future
    assert client.post(url, visit_data(tree)).status_code == 302
    assert Visit.objects.filter(start_date=dt.date(2025, 6, 3)).count() == 1


def test_a_visit_that_slipped_past_the_rules_is_refused_by_the_database(users, tree):
    twin = Visit(kind="household", cadre=tree.cadre_in, target_household=tree.household_in,
                 start_date=tree.visit_in.start_date, end_date=tree.visit_in.end_date)
    with pytest.raises(ValidationError) as refused:
        record_save(instance=twin, acting_user=users.cadre, validate=False)
    assert refused.value.messages == [DUPLICATE_MESSAGE]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion")
def test_on_postgresql_overlapping_visits_are_refused_by_the_database(users, tree):
    overlapping = Visit(kind="household", cadre=tree.cadre_in,
                        target_household=tree.household_in,
                        start_date=tree.visit_in.start_date - dt.timedelta(days=1),
                        end_date=tree.visit_in.end_date)
    with pytest.raises(ValidationError):
        record_save(instance=overlapping, acting_user=users.cadre, validate=False)
