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
    return RoleGrant.objects.create(user=user, group=Group.objects.get(name=role),
                                    organization=organization)
