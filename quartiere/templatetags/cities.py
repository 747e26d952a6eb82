"""The city switcher of the public pages' header (templates/base.html): a GET form to ``/staedte/``
that goes to the chosen city's page (``?ags=``) or the region's; works without script."""

from django import template

from quartiere.models import Area, Level
from quartiere.selectors import switcher_entries

register = template.Library()


@register.inclusion_tag("quartiere/city_switcher.html", takes_context=True)
def city_switcher(context) -> dict:
    """The switcher, the page's city selected (the context's ``city``; on ``/region/`` the region)."""
    request = context.get("request")
    city = context.get("city")
    current = city.code if isinstance(city, Area) and city.level == Level.CITY else ""
    if request is not None and request.path.startswith("/region/"):
        current = "region"
    region, groups = switcher_entries()
    return {"region": region, "groups": groups, "current": current, "shown": bool(groups)}
