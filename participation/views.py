"""Pages: the citizens' map ``/karte/``, the privacy notice and the deletion link."""

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from participation import selectors, services
from participation.models import TEXT_MAX, Category, FlagReason, Origin, Outcome


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
        "count": _("%(n)s of %(total)s contributions"),
        "none": _("No contributions yet."),
        "chars": _("%(n)s of %(max)s characters"),
        "error": _("Something went wrong; please try again."),
        "tooMany": _("Too many contributions from your connection; please try again in %(s)s seconds."),
        "from": _("by"),
        "anonymous": _("anonymous"),
        "generalised": _("Location shown approximately (grid of %(m)s m)."),
    }


@never_cache
@require_safe
def karte(request):
    """``/karte/``: the citizens' participation map of one consultation (``?verfahren=`` id or slug,
    default: the open one)."""
    consultation = selectors.consultation_current(request.GET.get("verfahren"))
    config = None
    if consultation is not None:
        config = {
            "consultation": consultation.pk,
            "isOpen": consultation.is_open(),
            "consultationUrl": reverse("consultation-detail", args=[consultation.pk]),
            "areasUrl": f"{reverse('area-list')}?level=quartier&limit=1000&parent={consultation.city_id}",
            "contributionsUrl": f"{reverse('contribution-list')}?consultation={consultation.pk}&limit=1000",
            "createUrl": reverse("contribution-list"),
            "meUrl": reverse("participation-me-list"),
            "basemapUrl": settings.BASEMAP_URL,
            "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
            "csrfToken": get_token(request),
            "textMax": TEXT_MAX,
            "categories": {c.value: str(c.label) for c in Category},
            "origins": {o.value: str(o.label) for o in Origin},
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


@require_safe
def privacy(request):
    """``/karte/datenschutz/``: what is stored about contributors and why."""
    return render(
        request,
        "participation/privacy.html",
        {
            "rotation_hours": settings.PARTICIPATION_IP_HASH_ROTATION_S // 3600,
            "rate": settings.PARTICIPATION_ANON_WRITE_RATE,
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def delete_own(request, pk: int, token: str):
    """The secret deletion link: GET asks for confirmation (link previews must not delete), POST deletes."""
    state = "confirm"
    if request.method == "POST":
        try:
            services.contribution_delete_own(contribution_id=pk, token=token)
            state = "deleted"
        except services.NotFound:
            state = "invalid"
    response = render(request, "participation/delete.html", {"state": state})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
