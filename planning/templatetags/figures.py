"""Figures the way a reader of the page's language writes them: money in whole euros with thousands
separators (de ``4.866.000 €``, en ``€4,866,000``), shares as whole percentages (``68 %`` / ``68%``).
The separators come from Django's formats of the active language; where the unit goes is a
translation. A number and its unit are joined by a no-break space, so a line never splits them.

Use in a template: ``{% load figures %}{{ amount|euros }} {{ share|percent }}``."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

NO_BREAK = "\u00a0"
MISSING = "–"


def _decimal(value) -> Decimal | None:
    """``value`` (a number or its text, e.g. the budget API's ``"4866000.00"``) as a Decimal; None when
    it is missing or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _whole(number: Decimal) -> str:
    # Django's number_format cuts decimals off; round half up first (0.5 € → 1 €)
    return number_format(number.quantize(Decimal(1), rounding=ROUND_HALF_UP), 0, force_grouping=True)


@register.filter
def euros(value) -> str:
    """An amount in EUR as whole euros with thousands separators and the euro sign; "–" if missing."""
    amount = _decimal(value)
    if amount is None:
        return MISSING
    # Translators: an amount of money; put the euro sign where your language does (German: "%(amount)s €")
    return (_("€%(amount)s") % {"amount": _whole(amount)}).replace(" ", NO_BREAK)


@register.filter
def percent(value) -> str:
    """A share (0…1) as a whole percentage; "–" if missing."""
    share = _decimal(value)
    if share is None:
        return MISSING
    # Translators: a percentage; German puts a space before the sign: "%(percent)s %%"
    return (_("%(percent)s%%") % {"percent": _whole(share * 100)}).replace(" ", NO_BREAK)
