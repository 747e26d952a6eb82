"""Differences of the comparison written out, so that they never rely on colour alone: a sign and an
arrow as text (``▲ +€12,000`` / ``▼ −€5,000`` / ``= €0``), and a class for the colour on top.

Use in a template: ``{% load comparison %}{{ d|signed_euros }} {{ d|change_class }}``."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from planning.templatetags.figures import MISSING, NO_BREAK, _decimal, euros

register = template.Library()

MINUS = "\u2212"


def _sign(number: Decimal) -> str:
    return "▲" + NO_BREAK + "+" if number > 0 else ("▼" + NO_BREAK + MINUS if number < 0 else "=" + NO_BREAK)


@register.filter
def signed_euros(value) -> str:
    """A difference in EUR with its sign written out (rounded to whole euros like ``euros``)."""
    number = _decimal(value)
    if number is None:
        return MISSING
    rounded = number.quantize(Decimal(1))
    return _sign(rounded) + euros(abs(rounded))


@register.filter
def change_class(value) -> str:
    """``up``, ``down`` or ``same``: the class of a difference (colour only adds to the text)."""
    number = _decimal(value)
    if number is None:
        return "same"
    rounded = number.quantize(Decimal("0.0001"))
    return "up" if rounded > 0 else ("down" if rounded < 0 else "same")


@register.filter
def signed_points(value) -> str:
    """A difference of two shares (0…1) in whole percentage points with its sign written out."""
    number = _decimal(value)
    if number is None:
        return MISSING
    rounded = (number * 100).quantize(Decimal(1))
    points = number_format(abs(rounded), 0, force_grouping=True)
    # Translators: a difference in percentage points (German: "%(points)s Pp.")
    return _sign(rounded) + (_("%(points)s pp") % {"points": points}).replace(" ", NO_BREAK)


@register.filter
def minus(value, other):
    """``value − other`` (None when either is missing)."""
    a, b = _decimal(value), _decimal(other)
    return None if a is None or b is None else a - b


@register.filter
def at(values, index):
    """``values[index]`` (a template cannot index a list by a variable)."""
    try:
        return values[int(index)]
    except (IndexError, TypeError, ValueError):
        return None
