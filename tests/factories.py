import datetime as dt

import factory
from django.contrib.auth.models import Group

from liaison.models import (
    Cadre,
    Category,
    ContactAssignment,
    Household,
    Organization,
    Position,
    RoleGrant,
    User,
)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"单位{n}")
    type = Organization.Type.COMMUNITY


class CadreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadre

    code = factory.Sequence(lambda n: f"GB{n:04d}")
    name = factory.Sequence(lambda n: f"干部{n}")


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    cadre = factory.SubFactory(CadreFactory)
    category = Category.PARTY_MEMBER
    start_date = dt.date(2020, 1, 1)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HH{n:05d}")
    head_name = factory.Sequence(lambda n: f"户主{n}")
    address = "某路1号"
    phone = "13800000000"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactAssignment

    start_date = dt.date(2024, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "Passw0rd!x")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user, role: str, organization) -> RoleGrant:
    # get_or_create: a transactional (browser) test flushes the roles the data migration made.
    group, _ = Group.objects.get_or_create(name=role)
    return RoleGrant.objects.create(user=user, group=group, organization=organization)


# --- ledgers (research, contactpoints) -------------------------------------------------------

MINIMAL_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
               b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


class ResearchTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.ResearchTopic"

    year = 2025
    title = factory.Sequence(lambda n: f"调研课题{n}")
    kind = "major"


class ResearchTripFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.ResearchTrip"
        skip_postgeneration_save = True

    start_date = dt.date(2025, 3, 10)
    end_date = factory.LazyAttribute(lambda trip: trip.start_date)
    title = factory.Sequence(lambda n: f"调研主题{n}")

    @factory.post_generation
    def places(trip, create, extracted, **kwargs):
        from research.models import TripPlace

        for organization in extracted or ():
            TripPlace.objects.create(trip=trip, organization=organization)


class ResearchReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.ResearchReport"

    title = factory.Sequence(lambda n: f"调研报告{n}")
    submitted_on = dt.date(2025, 4, 1)


class TripAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "research.TripAttachment"

    file = factory.django.FileField(filename="0123456789abcdef.pdf", data=MINIMAL_PDF)
    original_name = "现场记录.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contactpoints.Visit"

    kind = "household"
    start_date = dt.date(2025, 5, 6)
    end_date = factory.LazyAttribute(lambda visit: visit.start_date)
