"""Which cities a staff member may act in. Every service that writes a city-owned record asks
``check_city`` (the API, the back office and the admin call the same services), so the rule is
enforced once.

- superusers act everywhere;
- a user with memberships (``staff.models.Membership``) acts in those cities only;
- a user without any membership is not tied to a city and acts everywhere (a deployment for one city,
  or the region's own staff). Whether the user may do the action at all is the role's question
  (``geo.permissions``), asked before this one.
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
