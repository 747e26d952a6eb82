from django.utils.text import slugify

GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "Ss"}
)


def german_slug(name: str) -> str:
    """A URL slug that spells German letters out (Oßweil → ossweil) instead of dropping them."""
    return slugify(name.translate(GERMAN)) or "area"
