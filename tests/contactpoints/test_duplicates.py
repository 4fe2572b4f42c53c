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
@pytest.mark.parametrize("kind", ["household", "leader_point", "unit_community"])
def test_on_postgresql_overlapping_visits_are_refused_by_the_database(users, tree, kind):
    """Whatever the rules let pass, a visit overlapping one of the same kind, contact and
    target by a day is refused; the next day, or another target, is not."""
    contact = {"unit": tree.unit} if kind == "unit_community" else {"cadre": tree.cadre_in}
    target_field, target, other_target = (
        ("target_household", tree.household_in, tree.household_out) if kind == "household"
        else ("target_org", tree.community_in, tree.community_out))

    def save(first_day, last_day, to=target):
        visit = Visit(kind=kind, **contact, **{target_field: to},
                      start_date=dt.date(2024, 6, first_day), end_date=dt.date(2024, 6, last_day))
        return record_save(instance=visit, acting_user=users.org_dept, validate=False)

    save(1, 3)
    with pytest.raises(ValidationError):
        save(3, 5)
    save(4, 5)
    save(2, 2, to=other_target)
    assert Visit.objects.filter(kind=kind, start_date__year=2024).count() == 3
