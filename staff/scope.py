"""Which cities a staff member may act in. Every service that writes a city-owned record asks
``check_city`` (the API, the back office and the admin call the same services), so the rule is
enforced once.

- superusers act everywhere;
- a user with memberships (``staff.models.Membership``) acts in those areas only: a membership on a
  city makes city staff (the city's records), a membership on the region makes *regional* staff, who
  act on the region's own records (regional measures: ``Measure.city`` = the region) and not on the
  cities' records;
- a user without any membership is not tied to a city and acts everywhere (a deployment for one
  city). Whether the user may do the action at all is the role's question (``geo.permissions``),
  asked before this one.

Deployment-wide records (the indicator catalogue, reference layers and spatial indicator definitions)
are written only by staff not tied to a city (``check_not_tied_to_a_city``): superusers, staff
without membership and regional staff. Choices of owners in forms come from ``owner_choices``.
"""

from django.utils.translation import gettext as _

from geo.errors import Forbidden


def cities_of(user) -> frozenset[int] | None:
    """The ids of the cities ``user`` may act in; None: every city. Read once per request (cached on
    the user object)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return None
    if not hasattr(user, "_qa_cities"):
        from staff.models import Membership

        ids = frozenset(Membership.objects.filter(user=user).values_list("city_id", flat=True))
        user._qa_cities = ids or None
    cities: frozenset[int] | None = user._qa_cities
    return cities


def tied_to_a_city(user) -> bool:
    """Whether ``user`` has a membership on an area of level city (regional staff, staff without
    membership and superusers are not)."""
    cities = cities_of(user)
    if not cities:
        return cities is not None  # anonymous: frozenset() (tied to nothing, may do nothing)
    if not hasattr(user, "_qa_tied"):
        from quartiere.models import Area, Level

        user._qa_tied = Area.objects.filter(pk__in=cities, level=Level.CITY).exists()
    tied: bool = user._qa_tied
    return tied


def check_not_tied_to_a_city(user, *, field: str | None = None) -> None:
    """Refuse (403) a write of a deployment-wide record (one for every city) by staff tied to a city.
    ``user`` None: a system write."""
    if user is not None and tied_to_a_city(user):
        raise Forbidden(_("Your account works for a city; this record is shared by every city."), field)


def owner_choices(user, *, region: bool = False):
    """The areas a form offers ``user`` as a record's owner: the cities (level city) ``user`` acts in,
    and with ``region`` (a record the region may own: a measure) the region too when ``user`` acts in
    it; the home city first (``quartiere.selectors.home_city``: the form's default), then the cities
    by name, then the region. Everything for staff not tied to an area."""
    from django.db.models import Case, Value, When

    from quartiere.models import Area, Level
    from quartiere.selectors import home_city

    levels = (Level.REGION, Level.CITY) if region else (Level.CITY,)
    home = home_city()
    areas = (
        Area.objects.filter(level__in=levels)
        .alias(first=Case(When(pk=home.pk if home else None, then=Value(0)), default=Value(1)))
        .order_by("first", "-level", "name", "id")
    )
    cities = cities_of(user)
    return areas if cities is None else areas.filter(pk__in=cities)


def acts_in(user, city_id: int | None) -> bool:
    """Whether ``user`` may act on a record of the city ``city_id`` (None: a record of no city, e.g.
    a region-wide one: only staff not tied to a city)."""
    cities = cities_of(user)
    if cities is None:
        return True
    return city_id is not None and city_id in cities


def check_city(user, city_id: int | None, *, field: str | None = None) -> None:
    """Refuse (403) when ``user`` may not act in the city ``city_id``. ``user`` None: a system write
    (a management command, the demo loader), which is not scoped."""
    if user is None:
        return
    if not acts_in(user, city_id):
        raise Forbidden(_("Your account works for other cities than this record's."), field)


def drafts_of(user, *, role: bool) -> tuple[bool, list[int]]:
    """Which unpublished records of a city ``user`` may read, for SQL: ``(all_visible, own_cities)``.
    ``role``: whether the user's role may read drafts at all (e.g. ``is_planner``). Staff tied to
    cities read the drafts of those cities only, the published records of every city."""
    if not role:
        return False, []
    cities = cities_of(user)
    return (True, []) if cities is None else (False, sorted(cities))


def scoped(records, user, *, role: bool, city: str = "city_id", published: str = "published"):
    """The queryset ``records`` as ``user`` may read it: everything for a role that reads drafts and
    is not tied to a city; published rows plus the drafts of the user's cities for staff tied to cities
    (``city``, ``published``: the lookups of the record's city and published flag); published rows
    only for everybody else."""
    from django.db.models import Q

    all_visible, own = drafts_of(user, role=role)
    if all_visible:
        return records
    return records.filter(Q(**{published: True}) | Q(**{f"{city}__in": own}))


def in_own_cities(records, user, *, city: str = "city_id"):
    """The queryset ``records`` limited to the cities ``user`` works for (``city``: the lookup of the
    record's city); unchanged for staff not tied to a city and superusers (e.g. the admin's lists)."""
    cities = cities_of(user)
    return records if cities is None else records.filter(**{f"{city}__in": cities})


class OwnCitiesAdmin:
    """For a ``ModelAdmin`` of a city-owned record: its ``city`` field offers the user's own cities
    (``owner_choices``; ``region_owner``: and the region, for a record the region may own) and the
    list's city filter only the cities of the rows the user sees."""

    region_owner = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "city":
            kwargs["queryset"] = owner_choices(request.user, region=self.region_owner)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
