"""The public addresses of a city's pages: ``/staedte/<ags>/`` (its home), ``…/quartiere/<slug>/``
(a Quartier profile), ``…/bericht/`` (its report), ``…/beteiligung/`` (its consultations).

A city is addressed by its official key (AGS, eight digits, ``Area.code``): it stays the same when more
cities are imported, unlike an id or a slug (two municipalities may share a name). A city whose code is
not an AGS (a test or a hand-made deployment) keeps the short addresses with ``?stadt=``.

The short addresses ``/``, ``/quartiere/<slug>/`` and ``/bericht/`` serve the home city
(``quartiere.selectors.home_city``) and name the long address as their canonical one.
"""

import re
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

AGS = re.compile(r"[0-9]{8}")
AGS_PATTERN = "[0-9]{8}"  # the path converter's regex (config/urls.py, the converter "ags")


def is_ags(code: Any) -> bool:
    return isinstance(code, str) and AGS.fullmatch(code) is not None


class AgsConverter:
    """``<ags:ags>``: eight digits; anything else does not resolve (a 404 page)."""

    regex = AGS_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def city_url(city: Any) -> str:
    """The home page of ``city``: ``/staedte/<ags>/``; without an AGS the overview (``/``)."""
    if is_ags(city.code):
        return reverse("cities:city", args=[city.code])
    return reverse("overview")


def report_url(city: Any) -> str:
    """The city report: ``/staedte/<ags>/bericht/``; without an AGS ``/bericht/?stadt=<id>``."""
    if is_ags(city.code):
        return reverse("cities:report", args=[city.code])
    return reverse("planning:report") + f"?stadt={city.pk}"


def quartier_url(city: Any, slug: str) -> str:
    """The profile of the Quartier ``slug`` of ``city``: ``/staedte/<ags>/quartiere/<slug>/``; without
    an AGS ``/quartiere/<slug>/?stadt=<city slug>``."""
    if is_ags(city.code):
        return reverse("cities:quartier", args=[city.code, slug])
    return reverse("planning:profile", args=[slug]) + f"?stadt={city.slug}"


def consultations_url(city: Any) -> str:
    """The consultations of ``city``: ``/staedte/<ags>/beteiligung/``; without an AGS the portal."""
    if is_ags(city.code):
        return reverse("cities:consultations", args=[city.code])
    return reverse("portal:list")


def plans_url(city: Any) -> str | None:
    """The development plans of ``city``: ``/staedte/<ags>/bauleitplaene/``; None without an AGS (plans
    are imported by the AGS their XPlanGML names)."""
    if is_ags(city.code):
        return reverse("cities:plans", args=[city.code])
    return None


def plans_search_url(ags: str, text: str) -> str:
    """The development plans of the city with the AGS ``ags`` whose number or name holds ``text``:
    ``/staedte/<ags>/bauleitplaene/?q=<text>`` (a joint plan's entry in another member city's list)."""
    return reverse("cities:plans", args=[ags]) + "?" + urlencode({"q": text})
