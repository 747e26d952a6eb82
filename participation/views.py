"""Pages: the citizens' map ``/karte/``, the privacy notice and the deletion link."""

import re

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from participation import formats, selectors, services
from participation.layers import category_colours
from participation.models import (
    TEXT_MAX,
    TRIALOG_ROLES,
    Action,
    Category,
    FlagReason,
    ModerationEvent,
    Origin,
    Outcome,
)
from participation.throttling import parse_rate
from quartiere.selectors import area_extent


def _messages() -> dict[str, str]:
    """The strings karte.js shows, translated on the server (no inline script, no extra request)."""
    return {
        "awaits": _("Received – your contribution awaits moderation."),
        "published": _("Received – your contribution is published."),
        "pending": _("Your contribution (awaits moderation)"),
        "deleteLink": _("To delete it later, keep this secret link; it is shown only once:"),
        "support": _("Support"),
        "withdraw": _("Withdraw support"),
        "supports": _("Supports: %(n)s"),
        "report": _("Report"),
        "reportAsk": _("Why should a moderator look at this contribution?"),
        "reported": _("Thank you; a moderator will look at it."),
        "response": _("Official response"),
        "outcome": _("Outcome"),
        "showOnMap": _("Show on the map"),
        "placed": _("Place chosen. Now fill in the form."),
        "outside": _("This place lies outside the consultation area."),
        "placedAt": _("Place chosen in %(quartier)s, inside the consultation area. Now fill in the form."),
        "outsidePick": _(
            "This place lies outside the consultation area; nothing was placed. "
            "Move the map and choose another place."
        ),
        "crosshairAt": _("The cross marks a place in %(quartier)s, %(area)s."),
        "inArea": _("inside the consultation area"),
        "outArea": _("outside the consultation area"),
        "noQuartier": _("no Quartier"),
        "flownTo": _(
            "The map shows %(quartier)s. Move it with the arrow keys until the cross marks your place, "
            "then choose “Place the pin here”."
        ),
        "count": _("%(n)s of %(total)s contributions"),
        "none": _("No contributions yet."),
        "chars": _("%(n)s of %(max)s characters"),
        "error": _("Something went wrong; please try again."),
        "tooMany": _("Too many contributions from your connection; please try again in %(s)s seconds."),
        "from": _("by"),
        "anonymous": _("anonymous"),
        "generalised": _("Location shown approximately (grid of %(m)s m)."),
        "measures": _("Measures it led to"),
        "permalink": _("Page of this contribution"),
    }


@never_cache
@require_safe
def karte(request):
    """``/karte/``: the citizens' participation map of one consultation (``?verfahren=`` id or slug,
    default: the open one)."""
    key = request.GET.get("verfahren")
    consultation = selectors.consultation_current(key)
    if key and consultation is None:
        # a link to a consultation that does not exist (any more) is a 404, not the empty map
        return render(request, "participation/karte_unknown.html", status=404)
    if consultation is not None and not consultation.pins:
        # a consultation without map pins has no map to contribute on: its page shows its formats
        return HttpResponseRedirect(reverse("portal:consultation", args=[consultation.slug]))
    config = None
    if consultation is not None:
        config = {
            "consultation": consultation.pk,
            "isOpen": consultation.is_open(),
            "consultationUrl": reverse("consultation-detail", args=[consultation.pk]),
            "areasUrl": f"{reverse('area-list')}?level=quartier&limit=1000&parent={consultation.city_id}",
            "contributionsUrl": f"{reverse('contribution-list')}?consultation={consultation.pk}&limit=1000",
            "createUrl": reverse("contribution-list"),
            # the public pages of a contribution and of a measure (0 stands for the id)
            "contributionPageUrl": reverse("participation:contribution", args=[0]),
            "measurePageUrl": reverse("transparency:measure", args=[0]),
            "meUrl": reverse("participation-me-list"),
            "basemapUrl": settings.BASEMAP_URL,
            "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
            # where the map starts: the consultation's city, until the consultation's area has loaded
            "view": area_extent(area_id=consultation.city_id),
            "csrfToken": get_token(request),
            "textMax": TEXT_MAX,
            "categories": {c.value: str(c.label) for c in Category},
            "categoryColours": category_colours(),
            "origins": {o.value: str(o.label) for o in Origin},
            "trialogRoles": {value: str(label) for value, label in TRIALOG_ROLES},
            "outcomes": {o.value: str(o.label) for o in Outcome},
            "flagReasons": {r.value: str(r.label) for r in FlagReason},
            "messages": _messages(),
            "lang": request.LANGUAGE_CODE,
        }
    return render(
        request,
        "participation/karte.html",
        {
            "consultation": consultation,
            "categories": [(c, Category(c).label) for c in consultation.categories] if consultation else [],
            "karte_config": config,
            "text_max": TEXT_MAX,
        },
    )


# (seconds of one unit, "per unit", "per n units") from the largest unit that divides the period
def _periods():
    return (
        (86400, _("per day"), lambda n: ngettext("per %(n)d day", "per %(n)d days", n)),
        (3600, _("per hour"), lambda n: ngettext("per %(n)d hour", "per %(n)d hours", n)),
        (60, _("per minute"), lambda n: ngettext("per %(n)d minute", "per %(n)d minutes", n)),
        (1, _("per second"), lambda n: ngettext("per %(n)d second", "per %(n)d seconds", n)),
    )


def rate_in_words(rate: str) -> str:
    """A throttle rate such as ``"5/10m"`` in words of the active language: "5 contributions per 10
    minutes" / "5 Beiträge in 10 Minuten"."""
    count, seconds = parse_rate(rate)
    contributions = ngettext("%(n)d contribution", "%(n)d contributions", count) % {"n": count}
    for size, one, many in _periods():
        if seconds % size == 0:
            units = seconds // size
            return f"{contributions} {one if units == 1 else many(units) % {'n': units}}"
    raise AssertionError("unreachable: every period is a whole number of seconds")


@require_safe
def contribution(request, pk: int):
    """``/karte/beitraege/<id>/``: one published contribution and what became of it — the official
    response (unit, date, outcome, text) and the published measures it led to, linked to their pages.
    A permalink to share; no map needed. Unpublished or unknown: 404. No email, no author."""
    found = selectors.public_contribution(pk) if pk < 2**62 else None
    if found is None:
        raise Http404(_("There is no published contribution with this number."))
    c, response = found.contribution, found.response
    return render(
        request,
        "participation/contribution.html",
        {
            "c": c,
            "category": Category(c.category).label if c.category in Category.values else "",
            "origin": Origin(c.origin).label if c.origin in Origin.values else "",
            "trialog_role": dict(TRIALOG_ROLES).get(c.trialog_role, ""),
            "quartier": found.quartier,
            "response": response,
            "outcome": Outcome(response.outcome).label
            if response and response.outcome in Outcome.values
            else "",
            "measures": found.measures,
            "map_url": reverse("participation:karte") + f"?verfahren={c.consultation.slug}",
            # what the formats add under it (participation.formats), e.g. the discussion
            "panels": formats.panels("contribution", request, c),
        },
    )


@require_safe
def privacy(request):
    """``/karte/datenschutz/``: what is stored about contributors and why."""
    return render(
        request,
        "participation/privacy.html",
        {
            "rotation_hours": settings.PARTICIPATION_IP_HASH_ROTATION_S // 3600,
            "rate": rate_in_words(settings.PARTICIPATION_ANON_WRITE_RATE),
        },
    )


# the code of a deletion link, ``<id>.<token>`` (token_urlsafe: letters, digits, ``-`` and ``_``)
CODE = re.compile(r"(\d{1,18})\.([A-Za-z0-9_-]{1,128})")
# a pasted link of the form handed out before the token moved into the fragment
LEGACY_LINK = re.compile(r"/loeschen/(\d{1,18})/([A-Za-z0-9_-]{1,128})/?")
CODE_MAX = 2000  # characters of a pasted code or link looked at


def parse_delete_code(value: str) -> tuple[int, str] | None:
    """(contribution id, token) from what the deletion form sent: the code ``<id>.<token>`` (what the
    page's script takes from the link's fragment), or a whole link pasted — the current form
    ``…/karte/loeschen/#<id>.<token>`` or the old ``…/karte/loeschen/<id>/<token>/``. None if it is
    neither."""
    value = value.strip()[:CODE_MAX]
    if "#" in value:
        value = value.rsplit("#", 1)[1].strip()
    if match := CODE.fullmatch(value):
        return int(match.group(1)), match.group(2)
    if match := LEGACY_LINK.search(value):
        return int(match.group(1)), match.group(2)
    return None


def delete_link(request, contribution_id: int, token: str) -> str:
    """The secret deletion link, absolute: the token travels in the fragment, which browsers never
    send to a server (not in the request line a server logs, not in a Referer)."""
    return request.build_absolute_uri(reverse("participation:delete")) + f"#{contribution_id}.{token}"


def _deleted_before(contribution_id: int) -> bool:
    # The moderation log outlives the row: a contribution deleted by its contributor (or erased on
    # request) has left an entry. This answers "already deleted" without checking the token (the
    # row with its hash is gone); it tells a prober no more than that an id was deleted, never
    # anything about a contribution that still exists.
    return ModerationEvent.objects.filter(
        contribution_id=contribution_id, action__in=[Action.DELETE_OWN, Action.ERASE]
    ).exists()


def _private(response):
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def delete_own(request):
    """``/karte/loeschen/``: the page of the secret deletion link ``/karte/loeschen/#<id>.<token>``.
    GET asks for confirmation (link previews must not delete); the page's script moves the code from
    the fragment into the form, without script the person pastes it. POST (the code in the body)
    deletes and answers: deleted (200), already deleted (410), not valid (404), no code (400)."""
    state, status, error = "confirm", 200, ""
    if request.method == "POST":
        parsed = parse_delete_code(request.POST.get("code", ""))
        if parsed is None:
            state, status = "confirm", 400
            error = _("Code: please paste the code or the whole link you were shown after sending.")
        else:
            contribution_id, token = parsed
            try:
                services.contribution_delete_own(contribution_id=contribution_id, token=token)
                state = "deleted"
            except services.NotFound:
                state, status = ("gone", 410) if _deleted_before(contribution_id) else ("invalid", 404)
    response = render(request, "participation/delete.html", {"state": state, "error": error}, status=status)
    # no token is ever in this page's URL: a same-origin Referer is harmless, and Chromium then sends
    # the form's Origin (with "no-referrer" it sends "Origin: null", which the CSRF check refuses)
    response["Referrer-Policy"] = "same-origin"
    return _private(response)


@csrf_exempt  # it only redirects; the deletion itself is a CSRF-checked POST of the new page
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def delete_legacy(request, pk: int, token: str):
    """``/karte/loeschen/<id>/<token>/``, the form of the links handed out before: redirect to the
    page with the token in the fragment, so that it confirms (and deletes) like a new link. Only this
    one request line carries the token; the page it leads to never does."""
    target = reverse("participation:delete")
    if re.fullmatch(r"[A-Za-z0-9_-]{1,128}", token):
        target += f"#{pk}.{token}"
    # 303: an old confirmation page still open posts here; its POST becomes a GET of the new page
    response = HttpResponseRedirect(target, status=303 if request.method == "POST" else 302)
    response["Referrer-Policy"] = "no-referrer"
    return _private(response)
