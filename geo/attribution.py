"""The attribution of the area data (``settings.DATA_ATTRIBUTION``: text and licence link), the one
place every map, report and export takes it from. The licence of official boundaries (BKG VG250:
dl-de/by-2-0) requires it wherever they are shown or shipped."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def data_attribution() -> dict[str, str]:
    """``{"text": …, "url": …}``; ``url`` may be empty."""
    value = settings.DATA_ATTRIBUTION
    return {"text": str(value.get("text") or ""), "url": str(value.get("url") or "")}


def attribution_line() -> str:
    """The attribution as one line of plain text (``text (url)``), for files' metadata."""
    value = data_attribution()
    return f"{value['text']} ({value['url']})" if value["url"] else value["text"]


def context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: ``data_attribution`` for the Leaflet kit (geo/leaflet.html) and
    pages that print it."""
    return {"data_attribution": data_attribution()}
