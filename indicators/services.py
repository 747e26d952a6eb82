"""Writes of the indicator catalogue and its values. The catalogue is deployment-wide (one list of
indicators for every city); writing it needs the planners' group and an account not tied to a city
(staff.scope.check_not_tied_to_a_city: staff without membership, regional staff). Importing values needs the
planners' group too, and staff tied to cities (staff.scope) import values only for their cities'
areas (the city and its Quartiere)."""

import datetime as dt
import re
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from geo.errors import Conflict, NotFound, ServiceError
from geo.permissions import require_planner
from indicators import importing
from indicators.models import KEY_MAX, NAME_MAX, Direction, Indicator
from measures.models import Dimension
from staff.scope import check_not_tied_to_a_city, cities_of

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# addresses beside an indicator's: /api/indicators/values/, /planung/indikatoren/neu/ …
RESERVED_KEYS = frozenset({"values", "neu", "hochladen", "ebenen"})
# the fields of Indicator a planner writes, with their maximum lengths (None: not text)
INDICATOR_FIELDS: dict[str, int | None] = {
    "name_de": NAME_MAX,
    "name_en": NAME_MAX,
    "unit": 50,
    "dimension": None,
    "direction": None,
    "description": 5000,
    "source": 300,
    "licence": 200,
    "reference_date": None,
    "illustrative": None,
}
REQUIRED = ("name_de", "name_en", "unit")


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """The catalogue fields checked: text stripped and within its length, names and unit given,
    dimension and direction from their choices, the reference date a date. A ServiceError (400)
    names the first bad field."""
    unknown = set(values) - set(INDICATOR_FIELDS)
    if unknown:
        raise ServiceError(_("Unknown field."), sorted(unknown)[0])
    clean: dict[str, Any] = {}
    for name, limit in INDICATOR_FIELDS.items():
        if name not in values:
            continue
        value = values[name]
        if limit is not None:
            value = "" if value is None else str(value).strip()
            if len(value) > limit:
                raise ServiceError(_("At most %(n)s characters.") % {"n": limit}, name)
            if name in REQUIRED and not value:
                raise ServiceError(_("This field is required."), name)
        clean[name] = value
    if "dimension" in clean and clean["dimension"] not in Dimension.values:
        raise ServiceError(_("Choose one of %(c)s.") % {"c": ", ".join(Dimension.values)}, "dimension")
    if "direction" in clean and clean["direction"] not in Direction.values:
        raise ServiceError(_("Choose one of %(c)s.") % {"c": ", ".join(Direction.values)}, "direction")
    if "reference_date" in clean:
        date = clean["reference_date"]
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date) if date.strip() else None
            except ValueError:
                raise ServiceError(_("A date as YYYY-MM-DD."), "reference_date") from None
        if date is not None and not isinstance(date, dt.date):
            raise ServiceError(_("A date as YYYY-MM-DD."), "reference_date")
        if date is not None and not 1900 <= date.year <= 2100:
            raise ServiceError(_("A date between 1900 and 2100."), "reference_date")
        clean["reference_date"] = date
    if "illustrative" in clean:
        clean["illustrative"] = bool(clean["illustrative"])
    return clean


def check_key(key: Any) -> str:
    text = str(key or "").strip()
    if not text:
        raise ServiceError(_("This field is required."), "key")
    if text in RESERVED_KEYS:
        raise ServiceError(_("This key is reserved."), "key")
    if len(text) > KEY_MAX or not KEY_PATTERN.fullmatch(text):
        raise ServiceError(
            _(
                "Lower-case letters, digits and underscores, starting with a letter, at most %(n)s "
                "characters (e.g. sgb2_quote)."
            )
            % {"n": KEY_MAX},
            "key",
        )
    return text


@transaction.atomic
def indicator_create(*, user, key: str, **values: Any) -> Indicator:
    """A new indicator of the catalogue (planners). ``key`` is its stable name in files, the API and
    weightings: unique, lower-case ``[a-z][a-z0-9_]*``; it cannot be changed later."""
    require_planner(user)
    check_not_tied_to_a_city(user)
    key = check_key(key)
    for name in ("dimension", "direction", *REQUIRED):
        values.setdefault(name, "")
    clean = _clean(values)
    if Indicator.objects.filter(key=key).exists():
        raise Conflict(_("An indicator with the key “%(key)s” exists already.") % {"key": key}, "key")
    return Indicator.objects.create(key=key, **clean)


@transaction.atomic
def indicator_update(*, user, indicator_id: int, **values: Any) -> Indicator:
    """Change an indicator's catalogue fields (not its key)."""
    require_planner(user)
    check_not_tied_to_a_city(user)
    if "key" in values:
        raise ServiceError(_("The key of an indicator cannot be changed."), "key")
    indicator = Indicator.objects.select_for_update().filter(pk=indicator_id).first()
    if indicator is None:
        raise NotFound(_("There is no such indicator."))
    clean = _clean(values)
    for name, value in clean.items():
        setattr(indicator, name, value)
    indicator.save()
    return indicator


def catalogue_import(*, user, path: Path | str) -> tuple[int, int]:
    """Create or update indicators from a catalogue CSV (columns: key and ``INDICATOR_FIELDS``; the
    demo's fixtures/ludwigsburg/indicators-catalogue.csv); (created, updated). One transaction."""
    require_planner(user)
    check_not_tied_to_a_city(user)
    table = importing.read_csv(Path(path).read_bytes())
    created = updated = 0
    with transaction.atomic():
        for _number, cells in table.rows:
            row = dict(zip(table.columns, cells, strict=False))
            key = check_key(row.pop("key", ""))
            row["illustrative"] = str(row.get("illustrative", "")).strip().lower() in {
                "1",
                "true",
                "ja",
                "yes",
            }
            values = {k: v for k, v in row.items() if k in INDICATOR_FIELDS}
            if Indicator.objects.filter(key=key).exists():
                indicator_update(user=user, indicator_id=Indicator.objects.get(key=key).pk, **values)
                updated += 1
            else:
                indicator_create(user=user, key=key, **values)
                created += 1
    return created, updated


def values_import(
    *,
    user,
    path: Path | str,
    options: importing.ImportOptions,
    skip_invalid: bool = False,
    dry_run: bool = False,
) -> importing.ImportSummary:
    """Import indicator values from a file (``importing.import_file``) for ``user``: a planner; staff
    tied to cities only for the areas of those cities (each other row is a problem naming it).
    ``user`` None: a system import (the command, the demo), not scoped."""
    require_planner(user)
    cities = cities_of(user) if user is not None else None
    return importing.import_file(
        path, options, cities=cities, skip_invalid=skip_invalid, dry_run=dry_run, progress=False
    )
