"""The moderators' back office, ``/moderation/``: the queue with its bulk action, and one
contribution's page with its history, the moderation form, the official response and the links to
measures. Every write goes through the services of participation.moderation (the API calls the same
ones), one transaction per contribution, each checked against the version the page showed: a form
carries it in a hidden field. The views only read the request, call a service and show its answer;
the rules (which action from which status, a rejection's reason, …) are the services'.

Access: the queue and moderation are for moderators (``is_moderator``); the contribution page and
its response and measure forms also for planners (``can_respond``). Anonymous → the sign-in page,
signed in without the role → 403. Staff tied to cities see and act in those cities only
(staff.scope)."""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from geo.errors import Conflict, Forbidden, NotFound, StaleVersion
from participation import formats, moderation
from participation.backoffice import office_context
from participation.backoffice import selectors as queries
from participation.backoffice.selectors import State
from participation.models import REASON_MAX, RESPONSE_MAX, Action, Category, Outcome, Status
from participation.permissions import can_respond, is_moderator
from participation.selectors import Review
from staff.backoffice import staff_page
from staff.scope import acts_in

PAGE_SIZE = 20
MAX_ID = 2**62
SESSION_RESULT = "moderation.result"  # the last bulk action's summary, shown once after the redirect

# the bulk action's choices: the moderation service's actions, and dismissing the flags
DISMISS = "dismiss_flags"
ACTIONS = [Action.PUBLISH, Action.REJECT, Action.HIDE, Action.RESTORE, Action.CONFIRM_HIDE, DISMISS]


def _action_labels() -> dict[str, str]:
    return {
        Action.PUBLISH: _("Publish"),
        Action.REJECT: _("Reject (reason required)"),
        Action.HIDE: _("Hide"),
        Action.RESTORE: _("Restore (publish a hidden one)"),
        Action.CONFIRM_HIDE: _("Confirm hiding (reports were right)"),
        DISMISS: _("Dismiss the reports (stays published)"),
    }


def _done_text(action: str, n: int) -> str:
    texts = {
        Action.PUBLISH: ngettext("%(n)d published", "%(n)d published", n),
        Action.REJECT: ngettext("%(n)d rejected", "%(n)d rejected", n),
        Action.HIDE: ngettext("%(n)d hidden", "%(n)d hidden", n),
        Action.RESTORE: ngettext("%(n)d restored", "%(n)d restored", n),
        Action.CONFIRM_HIDE: ngettext("%(n)d kept hidden", "%(n)d kept hidden", n),
        DISMISS: ngettext("reports on %(n)d dismissed", "reports on %(n)d dismissed", n),
    }
    return texts[action] % {"n": n}


def _review_labels() -> dict[str, str]:
    return {
        Review.AUTO_HIDDEN: _("hidden automatically after reports"),
        Review.REPORTED: _("reported, still published"),
        Review.PENDING: _("awaiting publication"),
    }


def _state_labels() -> list[tuple[str, str]]:
    labels = {
        State.QUEUE: _("everything that waits"),
        Review.AUTO_HIDDEN: _("hidden automatically after reports"),
        Review.REPORTED: _("reported, still published"),
        Review.PENDING: _("pending"),
        State.OVERDUE: _("official response overdue"),
        Status.PUBLISHED: _("all published"),
        Status.REJECTED: _("all rejected"),
        Status.HIDDEN: _("all hidden"),
        State.ALL: _("all contributions"),
    }
    return [(state, labels[state]) for state in State.CHOICES if state != Status.PENDING]


def _queue_fields() -> dict[str, tuple[str, str]]:
    """The queue's fields: name → (the element an error links to, its label)."""
    return {
        "state": ("f-state", _("State")),
        "consultation": ("f-consultation", _("Consultation")),
        "category": ("f-category", _("Category")),
        "ids": ("pick-all", _("Selection")),
        "action": ("bulk-action", _("Action")),
        "reason": ("bulk-reason", _("Reason")),
    }


def _page_fields() -> dict[str, tuple[str, str]]:
    """The contribution page's fields, as ``_queue_fields``."""
    return {
        "action": ("m-action", _("Action")),
        "reason": ("m-reason", _("Reason")),
        "note": ("m-reason", _("Reason")),
        "unit": ("r-unit", _("Responsible unit")),
        "outcome": ("r-outcome-0", _("Outcome")),
        "measure": ("r-measure", _("Measure")),
        "text": ("r-text", _("Text of the response")),
        "date": ("r-date", _("Date")),
        "measures": ("l-measures", _("Linked measures")),
    }


def _error_list(errors: dict[str, str], fields: dict[str, tuple[str, str]], form: str = "") -> list[dict]:
    """The error summary's lines, in the order of the fields; errors about no field link to ``form``."""
    lines = [{"anchor": form, "label": "", "message": m} for f, m in errors.items() if f not in fields]
    for field, (anchor, label) in fields.items():
        if field in errors:
            lines.append({"anchor": anchor, "label": label, "message": errors[field]})
    return lines


def _stale_text() -> str:
    return _("Someone changed this contribution since the page was loaded.")


# --- access -------------------------------------------------------------------------------------


moderators_only = staff_page(
    is_moderator, gettext_lazy("The moderation back office is for the moderators' group.")
)
responders_only = staff_page(
    can_respond, gettext_lazy("Only planners and moderators may open contributions here.")
)


def _refused(error: ValidationError) -> None:
    """A service's 403 (e.g. another city's record) as the page's 403."""
    if isinstance(error, Forbidden):
        raise PermissionDenied(error.message)


def _message(error: ValidationError) -> str:
    if isinstance(error, StaleVersion):
        return _stale_text()
    return " ".join(error.messages)


def _status(error: ValidationError) -> int:
    return getattr(error, "status", 400)


# --- the queue ----------------------------------------------------------------------------------


def _integer(value: str | None, *, hi: int = MAX_ID) -> int | None:
    """A positive integer from a form, or None (empty, not a number, out of range)."""
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        return None
    number = int(value)
    return number if 1 <= number <= hi else None


def _filters(query: QueryDict) -> tuple[dict, dict[str, str]]:
    """The queue's filters from the query string, and errors by field for values that are no choice."""
    errors = {}
    state = query.get("state") or State.QUEUE
    if state not in State.CHOICES:
        errors["state"] = _("Choose a state from the list.")
        state = State.QUEUE
    consultation = None
    if query.get("consultation"):
        consultation = _integer(query.get("consultation"))
        if consultation is None:
            errors["consultation"] = _("Choose a consultation from the list.")
    category = query.get("category") or None
    if category and category not in Category.values:
        errors["category"] = _("Choose a category from the list.")
        category = None
    return {"state": state, "consultation_id": consultation, "category": category}, errors


def _filter_query(filters: dict, page: int | None = None) -> str:
    """The query string of these filters (and page), without defaults."""
    pairs = []
    if filters["state"] != State.QUEUE:
        pairs.append(("state", filters["state"]))
    if filters["consultation_id"]:
        pairs.append(("consultation", filters["consultation_id"]))
    if filters["category"]:
        pairs.append(("category", filters["category"]))
    if page and page > 1:
        pairs.append(("page", page))
    return urlencode(pairs)


def _queue_page(
    request: HttpRequest,
    *,
    query: QueryDict,
    status: int = 200,
    form: dict | None = None,
    form_errors: dict[str, str] | None = None,
) -> HttpResponse:
    filters, filter_errors = _filters(query)
    if filter_errors:
        status = 400
    qs = queries.backoffice_queue(user=request.user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(query.get("page"))
    base = _filter_query(filters)
    form = form or {}
    chosen = set(form.get("ids", ()))
    reviews = _review_labels()
    items = [
        {
            "c": c,
            "review": reviews.get(c.review) if c.review else None,
            "quartiere": ", ".join(link.area.name for link in c.quartier_links),
            "checked": c.pk in chosen,
        }
        for c in page.object_list
    ]
    waiting = queries.waiting_counts(user=request.user)
    # the formats' queues (comments, free-text answers, proposals: participation.formats)
    other_queues = [
        {"key": q.key, "label": q.label, "url": reverse(q.url_name), "pending": q.pending(request.user)}
        for q in formats.queues()
    ]
    context = {
        "other_queues": other_queues,
        **office_context(request, "moderation"),
        "page": page,
        "items": items,
        "filters": filters,
        "filter_errors": filter_errors,
        "filter_query": base,
        "page_query": f"{base}&" if base else "",
        "states": _state_labels(),
        "consultations": queries.queue_consultations(user=request.user),
        "categories": Category.choices,
        "waiting": waiting,
        "due_days": settings.PARTICIPATION_RESPONSE_DUE_DAYS,
        "actions": [(a, label) for a, label in _action_labels().items()],
        "form": form,
        "form_errors": form_errors or {},
        "error_list": _error_list({**filter_errors, **(form_errors or {})}, _queue_fields()),
        "result": request.session.pop(SESSION_RESULT, None) if request.method == "GET" else None,
        "reason_max": REASON_MAX,
        "basemap_url": settings.BASEMAP_URL,
        "basemap_attribution": settings.BASEMAP_ATTRIBUTION,
    }
    return render(request, "participation/backoffice/queue.html", context, status=status)


def _bulk_input(post: QueryDict) -> tuple[dict, dict[str, str]]:
    """The bulk form: chosen ids with the versions the page showed, the action and its reason;
    errors by field for what cannot be read at all (no choice, no such action, a broken version)."""
    errors: dict[str, str] = {}
    action = post.get("action", "")
    if action not in ACTIONS:
        errors["action"] = _("Choose an action from the list.")
    raw = post.getlist("ids")
    if post.get("all"):  # "select all" without JavaScript: every contribution the page listed
        raw += post.getlist("page_ids")
    ids = [_integer(v) for v in raw]
    chosen = list(dict.fromkeys(i for i in ids if i is not None))
    if None in ids:
        errors["ids"] = _("A chosen contribution is not a valid one; reload the page.")
    elif not chosen:
        errors["ids"] = _("Choose at least one contribution.")
    versions = {}
    for pk in chosen:
        version = _integer(post.get(f"v-{pk}"), hi=2**31)
        if version is None:
            errors["ids"] = _(
                "The page did not send the version of contribution #%(id)d; reload the page."
            ) % {"id": pk}
        versions[pk] = version
    reason = post.get("reason", "")
    if len(reason) > REASON_MAX:
        errors["reason"] = _("The reason may have at most %(max)d characters.") % {"max": REASON_MAX}
    form = {
        "action": action,
        "ids": chosen,
        "versions": versions,
        "reason": reason,
        "all": bool(post.get("all")),
    }
    return form, errors


def _apply(request: HttpRequest, form: dict, pk: int) -> None:
    if form["action"] == DISMISS:
        moderation.flags_dismiss(
            contribution_id=pk,
            actor=request.user,
            note=form["reason"],
            expected_versions={form["versions"][pk]},
        )
    else:
        moderation.contribution_moderate(
            contribution_id=pk,
            action=form["action"],
            reason=form["reason"],
            actor=request.user,
            expected_versions={form["versions"][pk]},
        )


@moderators_only
@require_http_methods(["GET", "HEAD", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    """``/moderation/``: what waits for the moderators, filtered and paginated; POST applies one
    action to the chosen contributions, each in its own transaction, then shows the summary (what
    was done, what was refused and why); 403 when every one was refused as another city's."""
    if request.method != "POST":
        return _queue_page(request, query=request.GET)
    back = QueryDict(request.POST.get("back", ""))
    form, errors = _bulk_input(request.POST)
    if errors:
        return _queue_page(request, query=back, status=400, form=form, form_errors=errors)
    done = 0
    refused: list[dict] = []
    for pk in form["ids"]:
        try:
            _apply(request, form, pk)
            done += 1
        except ValidationError as error:
            field = getattr(error, "field", None)
            if not done and not refused and _status(error) == 400 and field in {"action", "reason", "note"}:
                # bad input (e.g. a rejection without reason): the service refused before any change
                return _queue_page(
                    request,
                    query=back,
                    status=400,
                    form=form,
                    form_errors={"reason" if field == "note" else field: _message(error)},
                )
            refused.append({"id": pk, "message": _message(error), "forbidden": isinstance(error, Forbidden)})
    if refused and not done and all(r["forbidden"] for r in refused):
        # every chosen contribution is of a city the moderator does not work for: refused, as the API's 403
        raise PermissionDenied(refused[0]["message"])
    request.session[SESSION_RESULT] = {
        "done": _done_text(form["action"], done) if done else "",
        "refused": refused,
    }
    target = reverse("moderation:queue")
    query = _filter_query(_filters(back)[0])
    return redirect(f"{target}?{query}#result" if query else f"{target}#result")


# --- one contribution ---------------------------------------------------------------------------


def _contribution_or_404(request: HttpRequest, pk: int):
    contribution = queries.backoffice_contribution(contribution_id=pk) if pk <= MAX_ID else None
    if contribution is None:
        raise Http404(_("There is no contribution with this id."))
    if not acts_in(request.user, contribution.city_id):
        raise PermissionDenied(_("Your account works for other cities than this contribution's."))
    return contribution


def _response_initial(contribution) -> dict:
    response = getattr(contribution, "response", None)
    if response is None:
        return {"unit": "", "outcome": "", "text": "", "measure": None, "date": ""}
    return {
        "unit": response.unit,
        "outcome": response.outcome,
        "text": response.text,
        "measure": response.measure_id,
        "date": response.date.isoformat() if response.date else "",
    }


def _history(pk: int) -> list[dict]:
    """The contribution's moderation log as the page shows it: status change as "from → to"."""
    actions, statuses = dict(Action.choices), dict(Status.choices)
    rows = []
    for event in queries.contribution_history(contribution_id=pk):
        before, after = statuses.get(event.from_status, ""), statuses.get(event.to_status, "")
        rows.append(
            {
                "at": event.at,
                "who": event.actor_name,
                "action": actions.get(event.action, event.action),
                "change": f"{before} → {after}" if before and after and before != after else after,
                "note": event.note,
            }
        )
    return rows


def _contribution_page(
    request: HttpRequest,
    contribution,
    *,
    status: int = 200,
    which: str | None = None,
    input: dict | None = None,
    errors: dict[str, str] | None = None,
    conflict: bool = False,
) -> HttpResponse:
    """The contribution's page; after a refused write, ``which`` form (moderate, response,
    measures) shows ``input`` again with ``errors`` by field, or the version ``conflict``."""
    moderator = is_moderator(request.user)
    measures = queries.measures_to_link(contribution=contribution)
    response = getattr(contribution, "response", None)
    if response is not None and response.measure_id and response.measure not in measures:
        measures.append(response.measure)
    linked = [m.pk for m in contribution.measures.all()]
    actions = []
    if moderator:
        labels = _action_labels()
        # the service's transition table says which actions this status allows
        actions = [
            (a, labels[a])
            for a, (sources, _target) in moderation.TRANSITIONS.items()
            if contribution.status in sources
        ]
        if contribution.open_flags and contribution.status == Status.PUBLISHED:
            actions.append((DISMISS, labels[DISMISS]))
    forms = {
        "moderate": {"action": "", "reason": ""},
        "response": _response_initial(contribution),
        "measures": {"ids": linked},
    }
    if which:
        forms[which] = input or {}
    context = {
        **office_context(request, "moderation"),
        "c": contribution,
        "review": _review_labels().get(contribution.review) if contribution.review else None,
        "quartiere": ", ".join(link.area.name for link in contribution.quartier_links),
        "flags": queries.contribution_flags(contribution_id=contribution.pk),
        "history": _history(contribution.pk),
        "moderator": moderator,
        "actions": actions,
        "measures": measures,
        "linked": linked,
        "response": response,
        "outcomes": Outcome.choices,
        "forms": forms,
        "which": which,
        "errors": errors or {},
        "error_list": _error_list(errors or {}, _page_fields(), which or ""),
        "conflict": conflict,
        "flash": messages.get_messages(request),
        "reason_max": REASON_MAX,
        "response_max": RESPONSE_MAX,
        "basemap_url": settings.BASEMAP_URL,
        "basemap_attribution": settings.BASEMAP_ATTRIBUTION,
    }
    return render(request, "participation/backoffice/contribution.html", context, status=status)


@responders_only
@require_http_methods(["GET", "HEAD"])
def contribution(request: HttpRequest, pk: int) -> HttpResponse:
    """``/moderation/<id>/``: everything about one contribution."""
    return _contribution_page(request, _contribution_or_404(request, pk))


def _write(
    request: HttpRequest,
    pk: int,
    which: str,
    input: dict,
    errors: dict[str, str],
    write: Callable[[int], None],
) -> HttpResponse:
    """Run one form's ``write`` (given the version the form carried) unless its input could not be
    read; on success back to the page with ``done``, else the page with the input and the errors."""
    contribution = _contribution_or_404(request, pk)
    version = _integer(request.POST.get("version"), hi=2**31)
    if version is None:
        errors.setdefault("version", _("The form did not send the version you read; reload the page."))
    if errors or version is None:
        return _contribution_page(request, contribution, status=400, which=which, input=input, errors=errors)
    try:
        write(version)
    except ValidationError as error:
        _refused(error)
        if isinstance(error, NotFound):
            raise
        fresh = _contribution_or_404(request, pk)
        if isinstance(error, StaleVersion):
            # show what is stored now beside the person's input; sending again applies it to this version
            return _contribution_page(request, fresh, status=412, which=which, input=input, conflict=True)
        field = getattr(error, "field", None) or "form"
        if isinstance(error, Conflict):
            field = "form"
        return _contribution_page(
            request, fresh, status=_status(error), which=which, input=input, errors={field: _message(error)}
        )
    return redirect(reverse("moderation:contribution", args=[pk]) + "#done")


@moderators_only
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish, reject, hide, restore, confirm hiding, or dismiss the reports of one contribution."""
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    input = {"action": action, "reason": reason}
    errors = {}
    if action not in ACTIONS:
        errors["action"] = _("Choose an action from the list.")

    def write(version: int) -> None:
        if action == DISMISS:
            moderation.flags_dismiss(
                contribution_id=pk, actor=request.user, note=reason, expected_versions={version}
            )
        else:
            moderation.contribution_moderate(
                contribution_id=pk,
                action=action,
                reason=reason,
                actor=request.user,
                expected_versions={version},
            )
        messages.success(request, _done_text(action, 1))

    return _write(request, pk, "moderate", input, errors, write)


@responders_only
@require_POST
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    """Write or replace the official response."""
    post = request.POST
    unit, outcome, text = post.get("unit", ""), post.get("outcome", ""), post.get("text", "")
    measure, day = _integer(post.get("measure")), post.get("date", "").strip()
    input = {"unit": unit, "outcome": outcome, "text": text, "measure": measure, "date": day}
    errors = {}
    if post.get("measure") and measure is None:
        errors["measure"] = _("Choose a measure from the list.")
    date = None
    if day:
        try:
            date = dt.date.fromisoformat(day)
        except ValueError:
            errors["date"] = _("Enter a date as YYYY-MM-DD.")

    def write(version: int) -> None:
        moderation.response_set(
            contribution_id=pk,
            text=text,
            unit=unit,
            outcome=outcome,
            date=date,
            measure_id=measure,
            actor=request.user,
            expected_versions={version},
        )
        messages.success(request, _("The official response is saved."))

    return _write(request, pk, "response", input, errors, write)


@responders_only
@require_POST
def link_measures(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the measures the contribution is linked to."""
    raw = request.POST.getlist("measures")
    ids = [_integer(v) for v in raw]
    errors = {}
    if None in ids:
        errors["measures"] = _("Choose measures from the list.")
    chosen = [i for i in ids if i is not None]

    def write(version: int) -> None:
        moderation.contribution_link_measures(
            contribution_id=pk, measure_ids=chosen, actor=request.user, expected_versions={version}
        )
        messages.success(request, _("The linked measures are saved."))

    return _write(request, pk, "measures", {"ids": chosen}, errors, write)
