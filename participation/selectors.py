"""Reads of participation. Public reads return published contributions only, never email, author or
anything about the client. Geometry is stored in EPSG:25832; output SRIDs come from the allow-list."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.db.models.functions import Transform
from django.db import connection
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from geo import crs
from geo.geojson import BBox, FeaturePage, feature_page, precision_for
from geo.permissions import is_planner
from geo.sql import load
from measures.models import Measure
from participation.models import Category, Consultation, Contribution, Flag, Status, Support
from quartiere.models import Level
from staff.scope import cities_of, drafts_of


def contribution_feature_page(
    *,
    user: Any = None,
    contribution_id: int | None = None,
    consultation_id: int | None = None,
    category: str | None = None,
    origin: str | None = None,
    area_id: int | None = None,
    bbox: BBox | None = None,
    bbox_srid: int = crs.WGS84,
    out_srid: int = crs.WGS84,
    limit: int = 100,
    offset: int = 0,
) -> FeaturePage:
    """Published contributions as GeoJSON features in ``out_srid``, newest first, filtered by
    consultation, category, origin, linked area (any level) and bbox (in ``bbox_srid``). Locations
    are generalised as the consultation says. References to measures (``measures``, the response's
    ``measure``) name only measures ``user`` may see: published ones, all for planners (the rule of
    measures.selectors.measures_visible, staff.scope.drafts_of). One statement; the features are
    built by PostGIS."""
    all_measures, own_cities = drafts_of(user, role=is_planner(user))
    params = {
        "all_measures": all_measures,
        "own_cities": own_cities,
        "id": contribution_id,
        "consultation": consultation_id,
        "category": category,
        "origin": origin,
        "area": area_id,
    }
    return feature_page(
        load(__file__, "contributions_page"),
        params,
        bbox=bbox,
        bbox_srid=bbox_srid,
        out_srid=out_srid,
        limit=limit,
        offset=offset,
    )


def consultation_features(
    *, consultation_id: int | None = None, ids: list[int] | None = None, out_srid: int = crs.WGS84
) -> str:
    """Consultations (all, one, or those in ``ids``) with their area as comma-separated GeoJSON
    features (text) in ``out_srid``, with phase, process, formats, Quartiere and published evaluation."""
    from participation import formats

    used: dict[str, list[str]] = {}
    for fmt in formats.formats():
        qs = Consultation.objects.filter(fmt.uses())
        if consultation_id is not None:
            qs = qs.filter(pk=consultation_id)
        elif ids is not None:
            qs = qs.filter(pk__in=ids)
        for pk in qs.values_list("pk", flat=True):
            used.setdefault(str(pk), []).append(fmt.key)
    with connection.cursor() as cursor:
        cursor.execute(
            load(__file__, "consultations"),
            {
                "id": consultation_id,
                "ids": ids,
                "formats": json.dumps(used),
                "out_srid": out_srid,
                "precision": precision_for(out_srid),
            },
        )
        return cursor.fetchone()[0]


def consultation_current(key: str | None = None) -> Consultation | None:
    """The consultation named by id or slug (None if there is none), else the open one that opened
    last, else the latest."""
    qs = Consultation.objects.select_related("city")
    if key:
        if "\x00" in key:
            return None  # no slug holds a NUL, and PostgreSQL text cannot even be compared with one
        lookup = (
            Q(slug=key) | Q(pk=int(key)) if key.isascii() and key.isdigit() and len(key) < 18 else Q(slug=key)
        )
        return qs.filter(lookup).first()
    # the map's default: the consultations that take pins only (Consultation.pins)
    qs = qs.filter(pins=True)
    now = timezone.now()
    return qs.filter(opens_at__lte=now, closes_at__gt=now).order_by("-opens_at", "id").first() or qs.first()


@dataclass(frozen=True)
class Stats:
    level: Level
    consultation_id: int | None
    areas: list[dict]


def participation_stats(*, consultation: Consultation | None, level: Level) -> Stats:
    """Per area of ``level``: published contributions, per 1,000 inhabitants, by category, supports.
    One SQL statement (sql/stats.sql)."""
    categories = consultation.categories if consultation else list(Category.values)
    with connection.cursor() as cursor:
        cursor.execute(
            load(__file__, "stats"),
            {
                "consultation": consultation.pk if consultation else None,
                "city": consultation.city_id if consultation else None,
                "level": int(level),
                "categories": categories,
            },
        )
        areas = json.loads(cursor.fetchone()[0])
    return Stats(level=level, consultation_id=consultation.pk if consultation else None, areas=areas)


EXPORT_COLUMNS = [
    "id",
    "consultation",
    "status",
    "reject_reason",
    "category",
    "origin",
    "text",
    "pseudonym",
    "email",
    "created",
    "lon",
    "lat",
    "quartier",
    "supports",
    "open_flags",
    "response_outcome",
    "response_text",
    "response_unit",
    "response_date",
    "measures",
]


def _export_params(consultation_id: int | None, status: str | None, personal: bool, user: Any) -> dict:
    cities = cities_of(user) if user is not None else None
    return {
        "consultation": consultation_id,
        "status": status,
        "personal": personal,
        "cities": None if cities is None else sorted(cities),
    }


def export_rows(
    *, consultation_id: int | None, status: str | None, personal: bool, user: Any = None
) -> tuple[list[str], Iterator[tuple]]:
    """Contributions for planners (column names, rows); ``email`` only when ``personal``. With
    ``user``: only the contributions of the cities the user works for (staff.scope)."""
    columns = [c for c in EXPORT_COLUMNS if personal or c != "email"]
    params = _export_params(consultation_id, status, personal, user)
    index = [EXPORT_COLUMNS.index(c) for c in columns]

    def rows() -> Iterator[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(load(__file__, "export"), params)
            while batch := cursor.fetchmany(1000):
                for row in batch:
                    yield tuple(row[i] for i in index)

    return columns, rows()


def export_features(
    *, consultation_id: int | None, status: str | None, personal: bool, user: Any = None
) -> tuple[int, str]:
    """The same contributions as GeoJSON features (count, comma-separated text), built by PostGIS."""
    drop = "" if personal else " - 'email'"
    query = (
        "SELECT count(*), coalesce(string_agg(json_build_object('type', 'Feature', 'id', e.id, "
        "'geometry', e.geometry::json, 'properties', to_jsonb(e) - 'geometry' - 'lon' - 'lat'"
        f"{drop})::text, ',' ORDER BY e.id), '') FROM ({load(__file__, 'export')}) AS e"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, _export_params(consultation_id, status, personal, user))
        return cursor.fetchone()


class Review:
    """Why a contribution is in the moderators' queue, most urgent first."""

    AUTO_HIDDEN = "auto_hidden"  # hidden automatically after reports: awaits restoring or confirming
    REPORTED = "reported"  # reported, fewer times than hide it: still published
    PENDING = "pending"  # pre-moderation: not yet published

    ALL = (AUTO_HIDDEN, REPORTED, PENDING)


def _open_flags() -> QuerySet:
    return Flag.objects.filter(contribution=OuterRef("pk"), reviewed_at__isnull=True)


def _review_conditions() -> dict[str, Q]:
    # a moderator's decision closes the open flags (participation.moderation), so a hidden
    # contribution with open flags is one that the reports hid and nobody has looked at yet
    open_flag = Exists(_open_flags())
    return {
        Review.AUTO_HIDDEN: Q(open_flag, status=Status.HIDDEN),
        Review.REPORTED: Q(open_flag, status=Status.PUBLISHED),
        Review.PENDING: Q(status=Status.PENDING),
    }


def review_urgency() -> Case:
    """The moderation queue's order of a contribution, as an expression: 0 automatically hidden,
    1 reported, 2 pending, 3 not in the queue."""
    conditions = _review_conditions().values()
    return Case(*(When(q, then=Value(rank)) for rank, q in enumerate(conditions)), default=len(conditions))


def with_review(contributions: QuerySet) -> QuerySet:
    """``contributions`` with ``open_flags`` (the number of unreviewed flags), ``review`` (why it is
    in the moderation queue: one of ``Review.ALL``, or None) and ``urgency`` (``review_urgency``)."""
    count = _open_flags().order_by().values("contribution").annotate(n=Count("id")).values("n")
    return contributions.annotate(
        open_flags=Coalesce(Subquery(count), 0),
        review=Case(*(When(q, then=Value(name)) for name, q in _review_conditions().items()), default=None),
        urgency=review_urgency(),
    )


def moderation_queue(
    *,
    status: str | None = None,
    review: str | None = None,
    consultation_id: int | None = None,
    user: Any = None,
) -> QuerySet:
    """Contributions for moderators (``with_review``, the number of supports ``support_total`` and
    the point in EPSG:4326 ``wgs84``). By default the queue: automatically hidden ones first, then
    reported ones still published, then pending ones, each oldest first. ``review`` picks one of
    these parts; ``status`` lists every contribution of that status instead. With ``user``: only the
    contributions of the cities the user works for (staff.scope; all for staff not tied to a city)."""
    supports = Support.objects.filter(contribution=OuterRef("pk")).order_by().values("contribution")
    qs = with_review(Contribution.objects.all()).annotate(
        wgs84=Transform("geom", crs.WGS84),
        support_total=Coalesce(Subquery(supports.annotate(n=Count("id")).values("n")), 0),
    )
    if status:
        qs = qs.filter(status=status)
    elif review:
        qs = qs.filter(_review_conditions()[review])
    else:
        qs = qs.filter(urgency__lt=len(Review.ALL))
    if consultation_id:
        qs = qs.filter(consultation_id=consultation_id)
    if user is not None and (cities := cities_of(user)) is not None:
        qs = qs.filter(city_id__in=cities)
    return qs.order_by("urgency", "created_at", "id")


def supported_by(*, user=None, browser: str | None = None) -> list[int]:
    """Ids of the contributions this account or browser supports."""
    if user and user.is_authenticated:
        qs = Support.objects.filter(user=user)
    elif browser:
        qs = Support.objects.filter(browser=browser)
    else:
        return []
    return sorted(qs.values_list("contribution_id", flat=True))


# what the public pages load of a contribution, its consultation and its response: never the email
# address, the author, the deletion token's hash or the rejection reason
PUBLIC_FIELDS = (
    "id",
    "text",
    "category",
    "origin",
    "trialog_role",
    "pseudonym",
    "created_at",
    "consultation__id",
    "consultation__title",
    "consultation__slug",
    "response__id",
    "response__text",
    "response__unit",
    "response__date",
    "response__outcome",
    "response__measure_id",
)


def published_with_response() -> QuerySet[Contribution]:
    """Published contributions with their consultation and official response (if any) selected,
    only their public fields loaded (``PUBLIC_FIELDS``)."""
    return (
        Contribution.objects.filter(status=Status.PUBLISHED)
        .select_related("consultation", "response")
        .only(*PUBLIC_FIELDS)
    )


@dataclass(frozen=True)
class PublicContribution:
    """A published contribution as its public page shows it: ``response`` (None without one),
    ``measures`` (the published measures it is linked to or its response names, by title) and the
    name of the Quartier it lies in (None outside the Quartiere)."""

    contribution: Contribution
    response: Any
    measures: list[Measure]
    quartier: str | None


def public_contribution(contribution_id: int) -> PublicContribution | None:
    """One published contribution for its public page; None if it does not exist or is not
    published. Only public fields are loaded (no email, no author). Three statements."""
    contribution = published_with_response().filter(pk=contribution_id).first()
    if contribution is None:
        return None
    response = getattr(contribution, "response", None)
    measures = (
        Measure.objects.filter(published=True)
        .filter(
            Q(contributions=contribution)
            | Q(pk=response.measure_id if response and response.measure_id else 0)
        )
        .distinct()
        .only("id", "title", "status")
        .order_by("title", "id")
    )
    quartier = (
        contribution.area_links.filter(level=Level.QUARTIER)
        .order_by("-share", "area_id")
        .values_list("area__name", flat=True)
        .first()
    )
    return PublicContribution(contribution, response, list(measures), quartier)
