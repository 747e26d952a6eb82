"""``{% place_search %}``: what a page needs for the place-search control of its maps — the texts
(as JSON, in the page's language), the stylesheet and static/js/place-search.js. The page then calls
``QuartiersatlasPlaceSearch.attach(map, {onChoose: …})``."""

from django import template
from django.utils.translation import gettext as _

from quartiere import places

register = template.Library()


@register.inclusion_tag("quartiere/place_search.html")
def place_search() -> dict:
    return {
        "config": {
            "url": "/api/places/",
            "minLength": places.QUERY_MIN,
            "maxLength": places.QUERY_MAX,
            "messages": {
                "label": _("Search an address or place"),
                "toggle": _("Search"),
                "placeholder": _("e.g. Marktplatz 1"),
                "listLabel": _("Places found"),
                "one": _("1 result; choose it with the arrow keys and Enter."),
                "many": _("%(n)s results; choose with the arrow keys and Enter."),
                "none": _("No place found."),
                "short": _("Enter at least %(n)s characters."),
                "error": _("The search failed; please try again."),
                "tooMany": _("Too many searches; try again in %(s)s seconds."),
                "moved": _("The map shows %(place)s."),
            },
            "kinds": {
                "address": _("Address"),
                "quartier": _("Quartier"),
                "city": _("City"),
                "place": _("Place"),
            },
        }
    }
