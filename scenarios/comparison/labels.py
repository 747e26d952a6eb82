"""The comparison's labels in the request's language (gettext: call them while it is active)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from measures.models import Dimension, FundingSource


def change_labels() -> dict[str, str]:
    return {
        "new": _("new (proposed)"),
        "dropped": _("dropped"),
        "postponed": _("postponed"),
        "budget": _("budget lines changed"),
    }


def labels() -> dict[str, Any]:
    """Translated labels of the comparison's keys (in the request's language)."""
    return {
        "baseline": {"name": _("Baseline (published)")},
        "total": {"name": _("Total")},
        "outside": {"name": _("not in a Quartier (city-wide)")},
        "dimension": {
            "all": _("overall"),
            **{d.value: str(d.label) for d in Dimension},
            "none": _("without dimension"),
        },
        "funding": {f.value: str(f.label) for f in FundingSource},
        "gap": {
            "closes": pgettext("gap", "closes"),
            "opens": pgettext("gap", "opens"),
            "remains": pgettext("gap", "remains"),
        },
    }
