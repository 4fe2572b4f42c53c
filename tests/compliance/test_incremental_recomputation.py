"""Incremental recomputation (#16): a write recomputes only the parts holding the units it
touched, before and after, and part 0 (the district's own rows); the other parts' rows are
copied from the published run. The rows are exactly those of a whole run, for a write of
every kind of record."""


import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from contactpoints.models import Visit
from liaison.compliance.parts import top_unit, touched_units
from liaison.models import Household, Organization, Quota
from liaison.services import record_delete, record_save
from supervision import jobs
from supervision.models import ComplianceRun
from talks.models import Talk
from tests.compliance.test_split_recomputation import YEAR_END, stored_rows

SYSTEM_APPS = ("research", "contactpoints", "petitions", "talks", "opinions", "pledges")


@pytest.fixture
def computed_parts(monkeypatch):
    """The parts the engine computed (the others were copied)."""
    seen = []
    real = jobs.compute_compliance

    def spy(**kwargs):
        seen.append(kwargs.get("subjects"))
        return real(**kwargs)

    monkeypatch.setattr(jobs, "compute_compliance", spy)
    return seen


def published(as_of=YEAR_END):
    return jobs.compliance_run_execute(jobs.compliance_run_create(year=as_of.year, as_of=as_of).pk)


def incremental(base, units):
    run = jobs.compliance_run_create(year=base.year, as_of=base.as_of, base_run=base,
                                     touched_units=units)
    return jobs.compliance_run_execute(run.pk)


def whole_rows(as_of=YEAR_END):
    return stored_rows(published(as_of))


def assert_incremental_equals_whole(base, units, computed_parts, *, copies=True):
    """The incremental run computed part 0 and the parts holding `units`, copied the others,
    and stored exactly the rows of a whole run."""
    computed_parts.clear()
    run = incremental(base, units)
    assert run.status == "done", run.error
    rows = stored_rows(run)
    plan = list(run.parts.exclude(number=0).values_list("top_units", flat=True))
    touched = [part for part in plan if set(part) & set(units)]
    # the parts of a whole run cut in two, touched units and the others
    assert all(set(part) <= set(units) for part in touched)
    # part 0 (the district's own rows) is computed when the write touched a unit of no
    # other part: the district root, or a cadre placed nowhere
    district_part = not set(units) <= {unit for part in plan for unit in part}
    assert len(computed_parts) == district_part + len(touched)
    assert run.parts.filter(copied=True).count() == 1 + len(plan) - len(computed_parts)
    if copies:
        assert len(computed_parts) < len(plan)  # some parts were copied, not computed
    assert rows == whole_rows(base.as_of)
    return run


def fewest_units(records):
    """The record touching the fewest units (the generated cadres hold positions in several),
    so that some parts are left to copy."""
    return min(records.order_by("pk"), key=lambda record: len(touched_units(record)))


def unit_of_a_visit() -> int:
    return top_unit(Visit.objects.order_by("pk").first().cadre.positions.first()
                    .organization.path)


def records_of_every_kind():
    """One stored record of each model of the systems' apps that refers to a subject."""
    for app in SYSTEM_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for record in model._default_manager.order_by("pk")[:40]:
                units = touched_units(record)
                if units:
                    yield model, record, units
                    break


def test_deleting_a_record_of_any_kind_recomputes_only_its_parts(systems, computed_parts):
    kinds = 0
    for _model, record, units in list(records_of_every_kind()):
        base = published()
        try:
            record_delete(instance=record, acting_user=None)
        except ValidationError:
            continue  # other records still refer to it
        kinds += 1
        assert_incremental_equals_whole(base, units, computed_parts, copies=False)
    assert kinds >= 10


def test_moving_a_visit_to_a_household_under_another_unit(district, computed_parts):
    base = published()
    visit = fewest_units(Visit.objects.filter(kind="household"))
    before = touched_units(visit)
    away = top_unit(visit.target_household.community.path)
    other = Household.objects.exclude(community__path__startswith=f"/{district.pk}/{away}/") \
        .order_by("pk").first()
    visit.target_household = other
    record_save(instance=visit, acting_user=None, validate=False)
    after = touched_units(visit)
    assert after != before and away in before
    assert_incremental_equals_whole(base, before | after, computed_parts)


def test_changing_who_took_part_in_a_talk(district, computed_parts):
    base = published()
    talk = fewest_units(Talk.objects.all())
    before = touched_units(talk)
    talk.cadres.set(talk.cadres.none())
    talk.households.clear()
    after = touched_units(talk)
    assert assert_incremental_equals_whole(base, before | after, computed_parts)


def test_roster_writes_and_records_naming_no_subject_touch_every_part(district):
    assert touched_units(Organization.objects.first()) is None
    assert touched_units(Household.objects.first()) is None
    assert touched_units(Quota(year=2025, metric="research_days", category="", value=1)) \
        is None
    visit = Visit.objects.order_by("pk").first()
    assert touched_units(visit)  # a record names the units of its cadre and its place


def test_a_base_no_longer_published_has_nothing_to_copy(district, computed_parts):
    base = published()
    newer = published()
    base.refresh_from_db()
    assert base.status == "superseded"
    unit = unit_of_a_visit()
    computed_parts.clear()
    run = incremental(base, {unit})
    assert run.status == "done" and len(computed_parts) == run.parts.count() == 5
    assert not run.parts.filter(copied=True).exists()
    assert stored_rows(run) == stored_rows(newer) or stored_rows(run) == whole_rows()


def test_after_a_failed_run_every_part_is_computed(district, computed_parts):
    base = published()
    failed = jobs.compliance_run_create(year=2025, as_of=YEAR_END)
    jobs.compliance_run_fail(failed.pk, "数据库连接中断")
    computed_parts.clear()
    run = incremental(base, {unit_of_a_visit()})
    assert run.status == "done" and len(computed_parts) == run.parts.count() == 5
    assert not run.parts.filter(copied=True).exists()


def test_a_write_through_the_services_starts_an_incremental_run(
        district, django_capture_on_commit_callbacks):
    """The figures of today: a base run as of today is published; a saved visit then starts a
    run with that base and the units of the visit before and after."""
    from django.utils import timezone

    today = timezone.localdate()
    base = jobs.compliance_run_execute(
        jobs.compliance_run_create(year=today.year, as_of=today).pk)
    visit = Visit.objects.filter(kind="household").order_by("pk").first()
    before = touched_units(visit)
    visit.target_household = Household.objects.order_by("-pk").first()
    with django_capture_on_commit_callbacks(execute=True):
        record_save(instance=visit, acting_user=None, validate=False)
    run = ComplianceRun.objects.exclude(pk=base.pk).get(year=today.year, as_of=today)
    assert run.base_run == base and run.who == "系统（保存记录后只重算涉及的单位）"
    assert set(run.touched_units) == before | touched_units(visit)
    assert run.status == "done", run.error
    assert stored_rows(run) == stored_rows(published(today))


def test_a_roster_write_starts_a_whole_run(district, django_capture_on_commit_callbacks):
    from django.utils import timezone

    today = timezone.localdate()
    jobs.compliance_run_execute(jobs.compliance_run_create(year=today.year, as_of=today).pk)
    household = Household.objects.order_by("pk").first()
    household.is_poor = not household.is_poor
    with django_capture_on_commit_callbacks(execute=True):
        record_save(instance=household, acting_user=None, validate=False)
    run = ComplianceRun.objects.filter(year=today.year, as_of=today).order_by("-pk").first()
    assert run.base_run is None and run.touched_units is None and run.status == "done"


def test_a_record_of_a_cadre_placed_nowhere_recomputes_the_district_part(district,
                                                                          computed_parts):
    """A cadre with no position and no household in their care has their rows in part 0:
    their record touches the district root, so part 0 is computed, not copied."""
    from tests.factories import CadreFactory

    nowhere = CadreFactory(code="G999")
    talk = Talk.objects.create(code="TH999", date=dt.date(2025, 3, 3), initiator=nowhere,
                               type=Talk.Type.values[0], form=Talk.Form.values[0],
                               summary="谈话")
    base = published()
    units = touched_units(talk)
    assert units == {district.pk}
    record_delete(instance=talk, acting_user=None)
    run = assert_incremental_equals_whole(base, units, computed_parts)
    assert not run.parts.get(number=0).copied


def test_a_run_requested_after_the_base_by_another_write_leaves_nothing_to_copy(
        district, computed_parts):
    """Two writes at once, each with its run on the same base: the later run computes every
    part, since a copy from the base would leave the other write out."""
    base = published()
    unit = unit_of_a_visit()
    first = jobs.compliance_run_create(year=2025, as_of=YEAR_END, base_run=base,
                                       touched_units={unit})
    computed_parts.clear()
    second = incremental(base, {unit})
    assert second.status == "done" and not second.parts.filter(copied=True).exists()
    assert len(computed_parts) == second.parts.count()
    assert first.status == "pending"


def test_a_cadre_whose_positions_begin_later_counts_where_cadre_places_puts_them(district):
    """Today's figures place a cadre by a position begun by today; one whose only position
    begins later is placed by a household in their care: their record touches both."""
    from django.utils import timezone

    from tests.factories import AssignmentFactory, CadreFactory, PositionFactory

    later = CadreFactory(code="G998")
    department = Organization.objects.get(code="BM1")
    PositionFactory(cadre=later, organization=department,
                    start_date=timezone.localdate() + dt.timedelta(days=30))
    household = Household.objects.order_by("pk").first()
    AssignmentFactory(kind="household", cadre=later, target_household=household,
                      start_date=dt.date(2025, 1, 1))
    talk = Talk.objects.create(code="TH998", date=dt.date(2025, 3, 3), initiator=later,
                               type=Talk.Type.values[0], form=Talk.Form.values[0],
                               summary="谈话")
    assert touched_units(talk) == {top_unit(department.path),
                                   top_unit(household.community.path)}


def test_the_writes_of_one_transaction_start_one_run_with_all_their_units(
        district, django_capture_on_commit_callbacks):
    from django.db import transaction
    from django.utils import timezone

    today = timezone.localdate()
    jobs.compliance_run_execute(jobs.compliance_run_create(year=today.year, as_of=today).pk)
    visits = list(Visit.objects.filter(kind="household").order_by("pk")[:2])
    units = touched_units(visits[0]) | touched_units(visits[1])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for visit in visits:
            visit.end_date = visit.start_date
            record_save(instance=visit, acting_user=None, validate=False)
    runs = ComplianceRun.objects.filter(year=today.year, as_of=today, base_run__isnull=False)
    assert runs.count() == 1 and set(runs.get().touched_units) == units
