"""Factories for measures; geometry always with an explicit SRID (EPSG:25832 unless stated)."""

import factory
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import GEOSGeometry

from geo.crs import STORAGE_SRID
from geo.permissions import PLANNERS
from measures.models import ActionField, BudgetKind, BudgetLine, MasterPlan, Measure, StrategicGoal
from measures.services import measure_links_refresh


def utm(wkt: str) -> GEOSGeometry:
    """A geometry from WKT in EPSG:25832."""
    return GEOSGeometry(wkt, srid=STORAGE_SRID)


def wgs84(wkt: str) -> GEOSGeometry:
    return GEOSGeometry(wkt, srid=4326)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # unusable, so no hashing: tests log in with force_authenticate / force_login
    password = "!"


class PlannerFactory(UserFactory):
    @factory.post_generation
    def planners(self, create, extracted, **kwargs):
        if create:
            # get_or_create: a transactional test before this one may have flushed the migrated groups
            self.groups.add(Group.objects.get_or_create(name=PLANNERS)[0])


class ActionFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionField

    name = factory.Sequence(lambda n: f"Handlungsfeld {n}")
    slug = factory.Sequence(lambda n: f"handlungsfeld-{n}")


class StrategicGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal

    action_field = factory.SubFactory(ActionFieldFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Ziel {n}")


class MasterPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MasterPlan

    title = factory.Sequence(lambda n: f"Masterplan {n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    """A published measure; pass ``city`` and ``geom`` (EPSG:25832) or ``scope``. Links are computed."""

    class Meta:
        model = Measure
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    published = True

    @factory.post_generation
    def links(self, create, extracted, **kwargs):
        if create:
            measure_links_refresh(measure_ids=[self.pk])


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    measure = factory.SubFactory(MeasureFactory)
    fiscal_year = 2024
    amount = "1000.00"
    kind = BudgetKind.INVESTMENT
