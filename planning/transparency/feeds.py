"""Atom feeds (RFC 4287) of what the city does with its measures and its citizens' input: the status
changes of published measures and the official responses to published contributions, per city
(``/massnahmen/feed.atom``) and per Quartier (``/quartiere/<slug>/feed.atom``). Only public data: no
email, no author, no staff member's name.

Django's Atom1Feed writes the summary as ``type="html"``: the text people wrote is HTML-escaped into it,
so a feed reader shows it as the text it is (``<script>`` stays the characters ``<script>``)."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from measures.models import MeasureStatus
from participation.models import Outcome
from planning import reports
from planning.transparency import selectors
from quartiere.links import quartier_url
from quartiere.models import Area

FEED_ITEMS = 50


@dataclass(frozen=True)
class Scope:
    """What one request's feed covers: the city or Quartier, the ``?stadt=`` query its links carry and
    the site's absolute base (scheme and host), for the entries' ids. (A Feed instance serves every
    request: nothing of one request may be kept on it.)"""

    area: Area
    query: str
    base: str


@dataclass(frozen=True)
class Entry:
    item: selectors.FeedItem
    base: str


class _Events(Feed):
    feed_type = Atom1Feed
    author_name = "Quartiersatlas"

    def filters(self, scope: Scope) -> dict[str, int]:
        raise NotImplementedError

    def items(self, obj: Scope) -> list[Entry]:
        return [Entry(item, obj.base) for item in selectors.feed_items(**self.filters(obj), limit=FEED_ITEMS)]

    def item_title(self, entry: Entry) -> str:
        item = entry.item
        statuses = {value: str(label) for value, label in MeasureStatus.choices}
        if item.kind == "status":
            if item.old is None:
                return _("Measure “%(title)s” published: %(status)s") % {
                    "title": item.measure_title,
                    "status": statuses.get(item.new or "", item.new),
                }
            return _("Measure “%(title)s”: %(old)s → %(new)s") % {
                "title": item.measure_title,
                "old": statuses.get(item.old, item.old),
                "new": statuses.get(item.new or "", item.new),
            }
        outcomes = {value: str(label) for value, label in Outcome.choices}
        return _("Official response to contribution %(id)s: %(outcome)s") % {
            "id": item.contribution_id,
            "outcome": outcomes.get(item.outcome or "", item.outcome),
        }

    def item_description(self, entry: Entry) -> str:
        # Atom1Feed marks the summary type="html": escape the text so that it is shown, never parsed
        item = entry.item
        if item.kind == "status":
            return escape(self.item_title(entry))
        parts = [f"{item.unit}: {item.text}"]
        if item.measure_id:
            parts.append(_("Measure: %(title)s") % {"title": item.measure_title})
        return escape("\n\n".join(parts))

    def item_link(self, entry: Entry) -> str:
        item = entry.item
        if item.kind == "status":
            return reverse("transparency:measure", args=[item.measure_id])
        return reverse("participation:contribution", args=[item.contribution_id])

    def item_guid(self, entry: Entry) -> str:
        # an absolute URI unique per event (Django makes the link absolute, not a guid)
        item = entry.item
        fragment = f"status-{item.key}" if item.kind == "status" else f"response-{item.key}"
        return entry.base + self.item_link(entry) + "#" + fragment

    item_guid_is_permalink = False

    def item_updateddate(self, entry: Entry):
        return entry.item.at

    def item_pubdate(self, entry: Entry):
        return entry.item.at

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Content-Type"] = "application/atom+xml; charset=utf-8"
        return response


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class CityFeed(_Events):
    """``/massnahmen/feed.atom``: the events of a city (``?stadt=`` id or slug, else the first city)."""

    def get_object(self, request, *args, **kwargs) -> Scope:
        key = request.GET.get("stadt", "")
        city = reports.default_city(key or None) if "\x00" not in key else None
        if city is None:
            raise Http404(_("There is no such city."))
        return Scope(city, f"?stadt={city.slug}" if key else "", _base(request))

    def filters(self, scope: Scope) -> dict[str, int]:
        return {"city": scope.area.pk}

    def title(self, obj: Scope) -> str:
        return _("%(city)s: measures and responses") % {"city": obj.area.name}

    def subtitle(self, obj: Scope) -> str:
        return _("Status changes of published measures and official responses to contributions.")

    def link(self, obj: Scope) -> str:
        return reverse("transparency:measures") + obj.query

    def feed_url(self, obj: Scope) -> str:
        return reverse("transparency:city-feed") + obj.query


class QuartierFeed(_Events):
    """``/quartiere/<slug>/feed.atom``: the events of one Quartier (``?stadt=`` as on its profile)."""

    def get_object(self, request, slug: str, *args, **kwargs) -> Scope:
        city = request.GET.get("stadt", "")
        quartier = reports.quartier_by_slug(slug, city=city or None) if "\x00" not in city else None
        if quartier is None:
            raise Http404(_("There is no Quartier with this name."))
        stadt = quartier.parent.slug if quartier.parent else city
        return Scope(quartier, f"?stadt={stadt}" if city else "", _base(request))

    def filters(self, scope: Scope) -> dict[str, int]:
        return {"quartier": scope.area.pk}

    def title(self, obj: Scope) -> str:
        return _("%(quartier)s: measures and responses") % {"quartier": obj.area.name}

    def subtitle(self, obj: Scope) -> str:
        return _(
            "Status changes of published measures and official responses to contributions in this Quartier."
        )

    def link(self, obj: Scope) -> str:
        return quartier_url(obj.area.parent, obj.area.slug) if obj.area.parent else reverse("overview")

    def feed_url(self, obj: Scope) -> str:
        return reverse("transparency:quartier-feed", args=[obj.area.slug]) + obj.query
