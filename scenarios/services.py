"""Writes of scenarios (docs/scenarios.md). Every rule is checked here once; the back-office pages
call these functions. Who may do what is ``scenarios.access``: planners of the scenario's city
compose, share and decide; board members of the city comment on shared scenarios; nobody else writes.

Optimistic locking: a scenario has one ``version`` for itself and all its parts. Every write names the
version the planner read (``expected_version``; None: no check, a system write) and bumps it; a
stale one is ``StaleVersion`` (412). Composing happens in drafts only; a shared scenario is withdrawn
to draft first; a decided one is read-only (``Conflict``, 409).

Nothing here writes the published tables (``measures_measure``, ``measures_budgetline``) — except
``scenario_decide`` adopting a scenario, which applies it through measures.services in one
transaction (``_apply``). Geometry arrives validated (geo.validation) in EPSG:25832."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geo.crs import STORAGE_SRID
from geo.errors import Conflict, Forbidden, NotFound, ServiceError
from geo.etag import check_version
from geo.records.services import audit_user, check_fields
from measures import services as measure_services
from measures.models import (
    FISCAL_YEAR_MAX,
    FISCAL_YEAR_MIN,
    BudgetKind,
    BudgetLine,
    BudgetStatus,
    Dimension,
    FundingSource,
    Measure,
    MeasureStatus,
)
from measures.services import tags_normalised
from quartiere import linking
from quartiere.models import Area, Level
from scenarios import access
from scenarios.models import (
    NAME_MAX,
    TEXT_MAX,
    BudgetLineAction,
    BudgetLineChange,
    MeasureAction,
    MeasureChange,
    ProposedBudgetLine,
    ProposedMeasure,
    ProposedMeasureArea,
    Scenario,
    ScenarioComment,
    ScenarioEvent,
    State,
)

PROPOSED_LINKS = linking.LinkTarget.for_models(
    ProposedMeasure, ProposedMeasureArea, fk="proposed_measure", scope="scope"
)
# a measure that is done or stopped cannot be dropped or postponed any more
FINAL = (MeasureStatus.DONE, MeasureStatus.STOPPED)
POSTPONE_MAX = 20


class Outcome:
    ADOPTED = State.ADOPTED
    REJECTED = State.REJECTED


# ---------------------------------------------------------------------------------------------- helpers


def _actor_name(user: Any) -> str:
    if user is None or not user.is_authenticated:
        return _("system")
    return user.get_full_name() or user.get_username()


def _event(scenario: Scenario, action: str, user: Any, note: str = "") -> ScenarioEvent:
    return ScenarioEvent.objects.create(
        scenario=scenario,
        action=action,
        actor=audit_user(user),
        actor_name=_actor_name(user),
        note=note[:TEXT_MAX],
    )


def _readable_or_404(user: Any, scenario: Scenario | None) -> Scenario:
    if scenario is None or (user is not None and not access.can_read(user, scenario)):
        raise NotFound(_("There is no such scenario."))
    return scenario


def _locked(
    scenario_id: int, *, user: Any, expected_version: int | None, states: Iterable[str] = (State.DRAFT,)
) -> Scenario:
    """The scenario ``scenario_id`` locked for this transaction, after the checks every write makes:
    404 when the user may not read it, 403 when they may not compose it, 412 for a stale version,
    409 when its state does not allow the write."""
    scenario = _readable_or_404(user, Scenario.objects.select_for_update().filter(pk=scenario_id).first())
    if not access.can_compose(user, scenario.city_id):
        raise Forbidden(_("Only planners of the scenario's city change scenarios."))
    check_version(scenario.version, None if expected_version is None else [expected_version])
    if scenario.state not in tuple(states):
        if scenario.state == State.SHARED:
            raise Conflict(
                _("The scenario is shared with the strategy board: withdraw it to draft to change it.")
            )
        raise Conflict(_("The scenario is decided and can no longer be changed."))
    return scenario


def _touch(scenario: Scenario, user: Any, action: str, note: str = "") -> None:
    """Bump the scenario's version and record the write in its audit trail."""
    scenario.version += 1
    scenario.save(update_fields=["version", "updated_at", "state", "decision", "decided_at", "decided_by"])
    _event(scenario, action, user, note)


def _text(value: Any, field: str, *, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(_("This field is required."), field)
    if len(text) > limit:
        raise ServiceError(_("At most %(n)d characters.") % {"n": limit}, field)
    return text


def _year(value: Any, field: str) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ServiceError(_("Enter a whole year."), field) from None
    if not FISCAL_YEAR_MIN <= year <= FISCAL_YEAR_MAX:
        raise ServiceError(
            _("Must be between %(min)d and %(max)d.") % {"min": FISCAL_YEAR_MIN, "max": FISCAL_YEAR_MAX},
            field,
        )
    return year


def _amount(value: Any, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Enter an amount in EUR."), field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ServiceError(_("Enter an amount of at least 0 and below 1 000 000 000 000 EUR."), field)
    return amount.quantize(Decimal("0.01"))


def _choice(value: Any, choices: Iterable[str], field: str) -> str:
    allowed = list(choices)
    if value not in allowed:
        raise ServiceError(_("Choose one of: %(c)s.") % {"c": ", ".join(allowed)}, field)
    return str(value)


def _city(city: Any) -> Area:
    if not isinstance(city, Area) or city.level != Level.CITY:
        raise ServiceError(_("must be an area of level city."), "city")
    return city


def _published_measure(scenario: Scenario, measure_id: Any, field: str = "measure") -> Measure:
    """A published measure of the scenario's city, still under way (400 naming ``field`` else)."""
    measure = Measure.objects.filter(pk=measure_id, city_id=scenario.city_id, published=True).first()
    if measure is None:
        raise ServiceError(_("Choose a published measure of the scenario's city."), field)
    if measure.status in FINAL:
        raise ServiceError(_("The measure is done or stopped; it cannot be changed any more."), field)
    return measure


def links_refresh(*, ids: list[int] | None = None) -> int:
    """Recompute the area links of the proposed measures ``ids`` (None: all), like measures'."""
    return linking.links_refresh(PROPOSED_LINKS, ids=ids)


# ---------------------------------------------------------------------------------------------- scenario


@transaction.atomic
def scenario_create(
    *, city: Any, name: str, budget_year: Any, description: str = "", user: Any = None
) -> Scenario:
    """A new draft scenario of ``city`` for the budget of ``budget_year``."""
    city = _city(city)
    if not access.can_compose(user, city.pk):
        raise Forbidden(_("Only planners of the city compose its scenarios."), "city")
    scenario = Scenario.objects.create(
        city=city,
        name=_text(name, "name", required=True, limit=NAME_MAX),
        description=_text(description, "description"),
        budget_year=_year(budget_year, "budget_year"),
        created_by=audit_user(user),
    )
    _event(scenario, "created", user, scenario.name)
    return scenario


@transaction.atomic
def scenario_update(
    *,
    scenario_id: int,
    expected_version: int | None,
    user: Any = None,
    name: str,
    budget_year: Any,
    description: str = "",
) -> Scenario:
    scenario = _locked(scenario_id, user=user, expected_version=expected_version)
    scenario.name = _text(name, "name", required=True, limit=NAME_MAX)
    scenario.description = _text(description, "description")
    scenario.budget_year = _year(budget_year, "budget_year")
    scenario.save(update_fields=["name", "description", "budget_year"])
    _touch(scenario, user, "changed", _("name, description, budget year"))
    return scenario


@transaction.atomic
def scenario_delete(*, scenario_id: int, expected_version: int | None, user: Any = None) -> None:
    """Delete a draft scenario with everything in it (never a shared or decided one)."""
    scenario = _locked(scenario_id, user=user, expected_version=expected_version)
    scenario.delete()


# ------------------------------------------------------------------------------------- proposed measures


def _proposed_check(proposed: ProposedMeasure, scenario: Scenario) -> None:
    errors: dict[str, list[str]] = {}
    if not proposed.title.strip():
        errors["title"] = [_("This field is required.")]
    geom = proposed.geom
    if geom is not None and (geom.empty or geom.srid != STORAGE_SRID):
        errors["geom"] = [_("the geometry is empty or not in EPSG:%(s)d.") % {"s": STORAGE_SRID}]
    if geom is not None and proposed.scope_id is not None:
        errors["scope"] = [_("give either a geometry or a scope area, not both.")]
    elif geom is None and proposed.scope_id is None:
        errors["geom"] = [_("a measure needs a geometry or, without a place, a scope area.")]
    elif proposed.scope is not None:
        scope = proposed.scope
        if not (
            scope.pk == scenario.city_id
            or (scope.level == Level.QUARTIER and scope.parent_id == scenario.city_id)
        ):
            errors["scope"] = [_("must be the scenario's city or one of its Quartiere.")]
    proposed.dimensions = sorted(set(proposed.dimensions or []))
    unknown = [d for d in proposed.dimensions if d not in Dimension.values]
    if unknown:
        errors["dimensions"] = [_("Unknown dimension: %(d)s.") % {"d": unknown[0]}]
    proposed.tags = tags_normalised(proposed.tags, errors)
    check_fields(proposed, errors, exclude=["scenario", "scope", "geom", "tags", "dimensions", "adopted_as"])


@transaction.atomic
def proposed_measure_create(
    *,
    scenario_id: int,
    expected_version: int | None,
    user: Any = None,
    title: str,
    description: str = "",
    dimensions: Iterable[str] = (),
    tags: Iterable[str] = (),
    geom: GEOSGeometry | None = None,
    scope: Area | None = None,
) -> ProposedMeasure:
    """Add a new measure to the scenario, located by ``geom`` (EPSG:25832) or ``scope`` (the city or
    one of its Quartiere), and link it to the areas it touches."""
    scenario = _locked(scenario_id, user=user, expected_version=expected_version)
    proposed = ProposedMeasure(
        scenario=scenario,
        title=str(title or "").strip(),
        description=str(description or "").strip(),
        dimensions=list(dimensions),
        tags=list(tags),
        geom=geom,
        scope=scope,
    )
    _proposed_check(proposed, scenario)
    proposed.save()
    links_refresh(ids=[proposed.pk])
    _touch(scenario, user, "changed", _("new measure added: %(t)s") % {"t": proposed.title})
    return proposed


def _proposed_locked(proposed_measure_id: int, user: Any, expected_version: int | None):
    scenario_id = (
        ProposedMeasure.objects.filter(pk=proposed_measure_id).values_list("scenario_id", flat=True).first()
    )
    if scenario_id is None:
        raise NotFound(_("There is no such proposed measure."))
    scenario = _locked(scenario_id, user=user, expected_version=expected_version)
    return scenario, ProposedMeasure.objects.select_related("scope").get(pk=proposed_measure_id)


@transaction.atomic
def proposed_measure_update(
    *, proposed_measure_id: int, expected_version: int | None, user: Any = None, **changes: Any
) -> ProposedMeasure:
    """Change the fields in ``changes`` (title, description, dimensions, tags, geom, scope)."""
    scenario, proposed = _proposed_locked(proposed_measure_id, user, expected_version)
    unknown = set(changes) - {"title", "description", "dimensions", "tags", "geom", "scope"}
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(proposed, name, value)
    if "title" in changes:
        proposed.title = str(proposed.title or "").strip()
    _proposed_check(proposed, scenario)
    proposed.save()
    links_refresh(ids=[proposed.pk])
    _touch(scenario, user, "changed", _("new measure changed: %(t)s") % {"t": proposed.title})
    return proposed


@transaction.atomic
def proposed_measure_delete(
    *, proposed_measure_id: int, expected_version: int | None, user: Any = None
) -> None:
    scenario, proposed = _proposed_locked(proposed_measure_id, user, expected_version)
    title = proposed.title
    proposed.delete()
    _touch(scenario, user, "changed", _("new measure removed: %(t)s") % {"t": title})


@transaction.atomic
def proposed_budget_line_create(
    *,
    proposed_measure_id: int,
    expected_version: int | None,
    user: Any = None,
    fiscal_year: Any,
    amount: Any,
    kind: str,
    funding: str = FundingSource.OWN,
) -> ProposedBudgetLine:
    """An amount (EUR) for a proposed measure in ``fiscal_year``."""
    scenario, proposed = _proposed_locked(proposed_measure_id, user, expected_version)
    line = ProposedBudgetLine.objects.create(
        proposed_measure=proposed,
        fiscal_year=_year(fiscal_year, "fiscal_year"),
        amount=_amount(amount),
        kind=_choice(kind, BudgetKind.values, "kind"),
        funding=_choice(funding, FundingSource.values, "funding"),
    )
    note = _("budget line of %(t)s: %(y)d, %(a)s EUR") % {
        "t": proposed.title,
        "y": line.fiscal_year,
        "a": line.amount,
    }
    _touch(scenario, user, "changed", note)
    return line


@transaction.atomic
def proposed_budget_line_delete(
    *, proposed_budget_line_id: int, expected_version: int | None, user: Any = None
) -> None:
    line = (
        ProposedBudgetLine.objects.filter(pk=proposed_budget_line_id)
        .select_related("proposed_measure")
        .first()
    )
    if line is None:
        raise NotFound(_("There is no such budget line."))
    scenario, _proposed = _proposed_locked(line.proposed_measure_id, user, expected_version)
    line.delete()
    _touch(scenario, user, "changed", _("budget line of %(t)s removed") % {"t": line.proposed_measure.title})


# --------------------------------------------------------------------------- changes to the published data


@transaction.atomic
def measure_change_create(
    *,
    scenario_id: int,
    expected_version: int | None,
    user: Any = None,
    measure_id: Any,
    action: str,
    years: Any = None,
    note: str = "",
) -> MeasureChange:
    """Drop a published measure of the scenario's city, or postpone it by ``years`` (1–20) whole
    years. One change per measure; not a measure whose budget lines the scenario changes."""
    scenario = _locked(scenario_id, user=user, expected_version=expected_version)
    action = _choice(action, MeasureAction.values, "action")
    measure = _published_measure(scenario, measure_id)
    if action == MeasureAction.POSTPONE:
        try:
            years = int(years)
        except (TypeError, ValueError):
            raise ServiceError(
                _("Enter the number of years (1 to %(n)d).") % {"n": POSTPONE_MAX}, "years"
            ) from None
        if not 1 <= years <= POSTPONE_MAX:
            raise ServiceError(_("Enter the number of years (1 to %(n)d).") % {"n": POSTPONE_MAX}, "years")
    else:
        years = None
    if MeasureChange.objects.filter(scenario=scenario, measure=measure).exists():
        raise ServiceError(_("The scenario already changes this measure."), "measure")
    if (
        BudgetLineChange.objects.filter(scenario=scenario).filter(budget_line__measure=measure).exists()
        or BudgetLineChange.objects.filter(scenario=scenario, measure=measure).exists()
    ):
        raise ServiceError(
            _("The scenario changes this measure's budget lines; remove those changes first."), "measure"
        )
    change = MeasureChange.objects.create(
        scenario=scenario,
        measure=measure,
        action=action,
        years=years,
        note=_text(note, "note", limit=1000),
        label=measure.title,
        target_version=measure.version,
    )
    what = (
        _("drop: %(t)s") % {"t": measure.title}
        if action == MeasureAction.DROP
        else _("postpone by %(n)d years: %(t)s") % {"n": years, "t": measure.title}
    )
    _touch(scenario, user, "changed", what)
    return change


@transaction.atomic
def measure_change_delete(*, measure_change_id: int, expected_version: int | None, user: Any = None) -> None:
    change = MeasureChange.objects.filter(pk=measure_change_id).first()
    if change is None:
        raise NotFound(_("There is no such change."))
    scenario = _locked(change.scenario_id, user=user, expected_version=expected_version)
    change.delete()
    _touch(scenario, user, "changed", _("change removed: %(t)s") % {"t": change.label})


def _line_label(line: BudgetLine) -> str:
    return f"{line.measure.title} · {line.fiscal_year} · {line.amount} EUR · {line.get_kind_display()}"


@transaction.atomic
def budget_line_change_create(
    *,
    scenario_id: int,
    expected_version: int | None,
    user: Any = None,
    action: str,
    budget_line_id: Any = None,
    measure_id: Any = None,
    fiscal_year: Any = None,
    amount: Any = None,
    kind: str = "",
    funding: str = "",
    note: str = "",
) -> BudgetLineChange:
    """``change`` (new ``amount`` and/or ``fiscal_year``) or ``remove`` a published budget line of a
    measure of the scenario's city (``budget_line_id``), or ``add`` a line (year, amount, kind,
    funding) to a published measure (``measure_id``). Not on a measure the scenario drops or
    postpones; one change per line."""
    scenario = _locked(scenario_id, user=user, expected_version=expected_version)
    action = _choice(action, BudgetLineAction.values, "action")
    change = BudgetLineChange(scenario=scenario, action=action, note=_text(note, "note", limit=1000))
    if action == BudgetLineAction.ADD:
        measure = _published_measure(scenario, measure_id)
        change.measure = measure
        change.fiscal_year = _year(fiscal_year, "fiscal_year")
        change.amount = _amount(amount)
        change.kind = _choice(kind, BudgetKind.values, "kind")
        change.funding = _choice(funding or FundingSource.OWN, FundingSource.values, "funding")
        change.label = measure.title
        change.target_version = None
    else:
        line = BudgetLine.objects.select_related("measure").filter(pk=budget_line_id).first()
        if line is None:
            raise ServiceError(_("Choose a budget line of a published measure."), "budget_line")
        measure = _published_measure(scenario, line.measure_id, "budget_line")
        if BudgetLineChange.objects.filter(scenario=scenario, budget_line=line).exists():
            raise ServiceError(_("The scenario already changes this budget line."), "budget_line")
        change.budget_line = line
        change.label = _line_label(line)
        change.target_version = line.version
        if action == BudgetLineAction.CHANGE:
            if fiscal_year in (None, "") and amount in (None, ""):
                raise ServiceError(_("Give a new amount or a new fiscal year."), "amount")
            change.fiscal_year = (
                line.fiscal_year if fiscal_year in (None, "") else _year(fiscal_year, "fiscal_year")
            )
            change.amount = line.amount if amount in (None, "") else _amount(amount)
            if change.fiscal_year == line.fiscal_year and change.amount == line.amount:
                raise ServiceError(_("That is what the line says already."), "amount")
    if MeasureChange.objects.filter(scenario=scenario, measure=measure).exists():
        raise ServiceError(
            _("The scenario drops or postpones this measure already."),
            "measure" if action == BudgetLineAction.ADD else "budget_line",
        )
    change.save()
    _touch(scenario, user, "changed", f"{change.get_action_display()}: {change.label}")
    return change


@transaction.atomic
def budget_line_change_delete(
    *, budget_line_change_id: int, expected_version: int | None, user: Any = None
) -> None:
    change = BudgetLineChange.objects.filter(pk=budget_line_change_id).first()
    if change is None:
        raise NotFound(_("There is no such change."))
    scenario = _locked(change.scenario_id, user=user, expected_version=expected_version)
    change.delete()
    _touch(scenario, user, "changed", _("change removed: %(t)s") % {"t": change.label})


# ------------------------------------------------------------------------------- sharing and comments


@transaction.atomic
def scenario_share(*, scenario_id: int, expected_version: int | None, user: Any = None) -> Scenario:
    """Share a draft with the strategy board (read-only for the board, which may comment)."""
    scenario = _locked(scenario_id, user=user, expected_version=expected_version)
    scenario.state = State.SHARED
    _touch(scenario, user, "shared")
    return scenario


@transaction.atomic
def scenario_withdraw(*, scenario_id: int, expected_version: int | None, user: Any = None) -> Scenario:
    """Take a shared, undecided scenario back to draft (the board no longer sees it)."""
    scenario = _locked(scenario_id, user=user, expected_version=expected_version, states=(State.SHARED,))
    scenario.state = State.DRAFT
    _touch(scenario, user, "withdrawn")
    return scenario


@transaction.atomic
def scenario_comment(*, scenario_id: int, user: Any, body: str) -> ScenarioComment:
    """A board member's (or planner's) comment on a shared or decided scenario. The text is data:
    the pages escape it."""
    scenario = _readable_or_404(user, Scenario.objects.filter(pk=scenario_id).first())
    if not access.can_comment(user, scenario):
        if scenario.state == State.DRAFT:
            raise Conflict(_("Comments open when the scenario is shared with the strategy board."))
        raise Forbidden(_("Only board members and planners of the city comment on scenarios."))
    comment = ScenarioComment.objects.create(
        scenario=scenario,
        author=audit_user(user),
        author_name=_actor_name(user),
        body=_text(body, "body", required=True),
    )
    _event(scenario, "commented", user)
    return comment


# ------------------------------------------------------------------------------------------ the decision


@transaction.atomic
def scenario_decide(
    *, scenario_id: int, expected_version: int | None, user: Any = None, outcome: str, decision: str = ""
) -> dict[str, int]:
    """Record the decision on a shared scenario: ``rejected``, or ``adopted`` with the decision's
    text (e.g. "Beschlossen für den Haushalt 2023"), which applies the scenario (``_apply``) in this
    same transaction. Returns the counts of what was written ({} for a rejection). Any part that
    cannot be applied — a measure or line deleted or changed since the change was composed — is a
    ``Conflict`` (409) naming it, and nothing is written."""
    scenario = _locked(scenario_id, user=user, expected_version=expected_version, states=(State.SHARED,))
    outcome = _choice(outcome, [State.ADOPTED, State.REJECTED], "outcome")
    text = _text(decision, "decision", required=outcome == State.ADOPTED)
    scenario.state = outcome
    scenario.decision = text
    scenario.decided_at = timezone.now()
    scenario.decided_by = audit_user(user)
    _touch(scenario, user, outcome, text)
    if outcome == State.REJECTED:
        return {}
    counts = _apply(scenario, user)
    _event(
        scenario,
        "applied",
        user,
        _(
            "%(measures)d new measures with %(lines)d budget lines; %(dropped)d measures dropped, "
            "%(postponed)d postponed (%(moved)d budget lines moved); %(changed)d budget lines changed, "
            "%(removed)d removed, %(added)d added"
        )
        % counts,
    )
    return counts


def _conflict(label: str, reason: str) -> Conflict:
    return Conflict(_("“%(item)s” cannot be applied: %(reason)s") % {"item": label, "reason": reason})


def _current_measure(change: MeasureChange | BudgetLineChange, scenario: Scenario, label: str) -> Measure:
    measure = (
        Measure.objects.select_for_update().filter(pk=change.measure_id).first()
        if change.measure_id
        else None
    )
    if measure is None:
        raise _conflict(label, _("the measure was deleted since."))
    if not measure.published or measure.city_id != scenario.city_id or measure.status in FINAL:
        raise _conflict(label, _("the measure is no longer published and under way."))
    return measure


def _shift(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _apply(scenario: Scenario, user: Any) -> dict[str, int]:
    """Turn the scenario's changes into published data through measures.services (rules, area
    links, history records, versions), in the caller's transaction:

    1. each proposed measure → a published measure (status ``decided``) of the scenario's city with
       its budget lines (status ``planned``);
    2. budget-line changes: ``change`` sets the line's amount and year, ``remove`` deletes it, ``add``
       creates a line (status ``planned``) of the measure;
    3. ``drop`` → the measure's status ``stopped`` (it stays public as stopped), and its budget lines
       with status ``planned`` from the budget year on are deleted (changed and added ones included);
    4. ``postpone`` by N → its budget lines from the budget year on (changed and added ones included)
       move N fiscal years later, and its start and end dates N years later.

    A measure or line that was deleted, unpublished, finished or changed (its version) since the
    change was composed raises ``Conflict`` naming it."""
    counts = dict.fromkeys(
        ("measures", "lines", "dropped", "postponed", "moved", "changed", "removed", "added"), 0
    )
    city = scenario.city
    for proposed in scenario.proposed_measures.select_related("scope").prefetch_related("budget_lines"):
        try:
            measure = measure_services.measure_create(
                city=city,
                title=proposed.title,
                description=proposed.description,
                geom=proposed.geom,
                scope=proposed.scope,
                tags=proposed.tags,
                dimensions=proposed.dimensions,
                status=MeasureStatus.DECIDED,
                published=True,
                user=user,
            )
            for line in proposed.budget_lines.all():
                measure_services.budget_line_create(
                    measure=measure,
                    fiscal_year=line.fiscal_year,
                    amount=line.amount,
                    kind=line.kind,
                    funding=line.funding,
                    status=BudgetStatus.PLANNED,
                    note=_("Scenario “%(s)s”") % {"s": scenario.name},
                    user=user,
                )
                counts["lines"] += 1
        except ValidationError as error:
            raise _conflict(proposed.title, " ".join(error.messages)) from None
        proposed.adopted_as = measure
        proposed.save(update_fields=["adopted_as"])
        counts["measures"] += 1
    # the lines first, then the measures: a postponed measure moves its changed and added lines too,
    # and a dropped one loses them (the rules scenario_lines.sql computes the comparison with)
    for bchange in scenario.budget_changes.order_by("id"):
        _apply_budget_change(bchange, scenario, user, counts)
    for change in scenario.measure_changes.order_by("id"):
        _apply_measure_change(change, scenario, user, counts)
    return counts


def _apply_measure_change(change: MeasureChange, scenario: Scenario, user: Any, counts: dict) -> None:
    label = change.label
    measure = _current_measure(change, scenario, label)
    if change.target_version is not None and measure.version != change.target_version:
        raise _conflict(label, _("the measure was changed since the scenario was composed."))
    lines = list(
        BudgetLine.objects.select_for_update().filter(measure=measure, fiscal_year__gte=scenario.budget_year)
    )
    try:
        if change.action == MeasureAction.DROP:
            measure_services.measure_update(
                measure_id=measure.pk,
                expected_versions=[measure.version],
                user=user,
                status=MeasureStatus.STOPPED,
            )
            for line in lines:
                if line.status == BudgetStatus.PLANNED:
                    measure_services.budget_line_delete(
                        budget_line_id=line.pk, expected_versions=[line.version], user=user
                    )
            counts["dropped"] += 1
        else:
            years = change.years or 0
            for line in lines:
                if line.fiscal_year + years > FISCAL_YEAR_MAX:
                    raise _conflict(
                        label, _("a budget line would move beyond %(y)d.") % {"y": FISCAL_YEAR_MAX}
                    )
                measure_services.budget_line_update(
                    budget_line_id=line.pk,
                    expected_versions=[line.version],
                    user=user,
                    fiscal_year=line.fiscal_year + years,
                )
                counts["moved"] += 1
            measure_services.measure_update(
                measure_id=measure.pk,
                expected_versions=[measure.version],
                user=user,
                start_date=_shift(measure.start_date, years),
                end_date=_shift(measure.end_date, years),
            )
            counts["postponed"] += 1
    except Conflict:
        raise
    except ValidationError as error:
        raise _conflict(label, " ".join(error.messages)) from None


def _apply_budget_change(change: BudgetLineChange, scenario: Scenario, user: Any, counts: dict) -> None:
    label = change.label
    try:
        if change.action == BudgetLineAction.ADD:
            measure = _current_measure(change, scenario, label)
            measure_services.budget_line_create(
                measure=measure,
                fiscal_year=change.fiscal_year or scenario.budget_year,
                amount=change.amount or Decimal(0),
                kind=change.kind,
                funding=change.funding or FundingSource.OWN,
                status=BudgetStatus.PLANNED,
                note=change.note or _("Scenario “%(s)s”") % {"s": scenario.name},
                user=user,
            )
            counts["added"] += 1
            return
        line = (
            BudgetLine.objects.select_for_update().filter(pk=change.budget_line_id).first()
            if change.budget_line_id
            else None
        )
        if line is None:
            raise _conflict(label, _("the budget line was deleted since."))
        if change.target_version is not None and line.version != change.target_version:
            raise _conflict(label, _("the budget line was changed since the scenario was composed."))
        if change.action == BudgetLineAction.REMOVE:
            measure_services.budget_line_delete(
                budget_line_id=line.pk, expected_versions=[line.version], user=user
            )
            counts["removed"] += 1
        else:
            measure_services.budget_line_update(
                budget_line_id=line.pk,
                expected_versions=[line.version],
                user=user,
                fiscal_year=change.fiscal_year,
                amount=change.amount,
            )
            counts["changed"] += 1
    except Conflict:
        raise
    except ValidationError as error:
        raise _conflict(label, " ".join(error.messages)) from None
