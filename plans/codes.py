"""XPlanung's code lists the import reads: the legal status (``rechtsstand``) of a Bebauungsplan
(``BP_Rechtsstand``) and of a Flächennutzungsplan (``FP_Rechtsstand``), XPlanGML 5.0–6.0, with German
labels. The codes are the standard's; the labels are ours (the standard's identifiers written as
words). Codes added in 6.0 (2250, 45000, 45001, 50000, 50001) are accepted in every version."""

from typing import Final

BP_STATUS: Final[dict[int, str]] = {
    1000: "Aufstellungsbeschluss",
    2000: "Entwurf",
    2100: "Frühzeitige Behördenbeteiligung",
    2200: "Frühzeitige Öffentlichkeitsbeteiligung",
    2250: "Entwurfsbeschluss",
    2300: "Behördenbeteiligung",
    2400: "Öffentliche Auslegung",
    3000: "Satzung",
    4000: "In Kraft getreten",
    4500: "Teilweise untergegangen",
    45000: "Teilweise aufgehoben",
    45001: "Teilweise außer Kraft",
    5000: "Untergegangen",
    50000: "Aufgehoben",
    50001: "Außer Kraft",
}

FP_STATUS: Final[dict[int, str]] = {
    1000: "Aufstellungsbeschluss",
    2000: "Entwurf",
    2100: "Frühzeitige Behördenbeteiligung",
    2200: "Frühzeitige Öffentlichkeitsbeteiligung",
    2250: "Entwurfsbeschluss",
    2300: "Behördenbeteiligung",
    2400: "Öffentliche Auslegung",
    3000: "Plan",
    4000: "Wirksam",
    5000: "Untergegangen",
    50000: "Aufgehoben",
    50001: "Außer Kraft",
}

STATUS: Final[dict[str, dict[int, str]]] = {"BP": BP_STATUS, "FP": FP_STATUS}

# the map's classes: in preparation, adopted (Satzung / Plan, not yet in force), in force, ended
ADOPTED: Final[frozenset[int]] = frozenset({3000})
IN_FORCE: Final[frozenset[int]] = frozenset({4000, 4500, 45000, 45001})
ENDED: Final[frozenset[int]] = frozenset({5000, 50000, 50001})
GROUPS: Final[dict[str, str]] = {
    "preparing": "im Verfahren",
    "adopted": "beschlossen",
    "in_force": "in Kraft / wirksam",
    "ended": "außer Kraft",
    "unknown": "Rechtsstand unbekannt",
}


def status_group(code: int | None) -> str:
    """The class of a legal status code: a key of ``GROUPS``."""
    if code is None:
        return "unknown"
    if code in ADOPTED:
        return "adopted"
    if code in IN_FORCE:
        return "in_force"
    if code in ENDED:
        return "ended"
    return "preparing"
