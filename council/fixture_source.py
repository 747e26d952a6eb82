"""An OParl server's answers computed from a fixture file, without a network: the demo imports its
council papers through it (``council.demo``), and the tests serve the same answers over HTTP
(tests/council/server.py) — both through the one importer users run.

The fixture (e.g. fixtures/ludwigsburg/oparl.json) holds ``system``, ``bodies``, ``organizations``,
``meetings`` and ``papers`` written after the OParl 1.1 specification's examples, with ``{base}`` in
place of the server's address. Lists are paged (``page``, ``page_size`` objects per page, with
``links.next`` and ``pagination``) and filtered by ``modified_since`` as the spec describes."""

import copy
import json
import math
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.dateparse import parse_datetime

from council.oparl import OParlError

LISTS = {"organization": "organizations", "meeting": "meetings", "paper": "papers"}


def load_fixture(path: Path, base: str) -> dict[str, Any]:
    """The fixture at ``path`` with ``{base}`` replaced by ``base`` (no trailing slash)."""
    text = Path(path).read_text(encoding="utf-8")
    # the placeholder sits inside JSON strings; base is an address without quotes or backslashes
    data: dict[str, Any] = json.loads(text.replace("{base}", base.rstrip("/")))
    return data


@dataclass
class FixtureSource:
    """Answers GETs of ``{base}/…`` from ``fixture`` (a loaded fixture; tests change it between runs)."""

    fixture: dict[str, Any]
    base: str
    page_size: int = 100
    requests: int = 0
    log: list[str] = field(default_factory=list)

    def get(self, url: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        self.requests += 1
        self.log.append(url)
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        query.update(params or {})
        path = urllib.parse.urlunsplit(parts._replace(query="", fragment=""))
        if not path.startswith(self.base):
            raise OParlError(f"{url}: not served here")
        answer = self.answer(path[len(self.base) :].strip("/"), query)
        if answer is None:
            raise OParlError(f"{url}: the server answered HTTP 404.")
        return answer

    def answer(self, path: str, query: dict[str, str]) -> dict[str, Any] | None:
        """The JSON answer for ``path`` below the base (None: 404)."""
        if path == "system":
            return copy.deepcopy(self.fixture["system"])
        if path == "bodies":
            return self._page("bodies", self.fixture["bodies"], query)
        segments = path.split("/")
        if len(segments) == 3 and segments[0] == "body" and segments[2] in LISTS:
            body_id = f"{self.base}/body/{segments[1]}"
            objects = [o for o in self.fixture[LISTS[segments[2]]] if o.get("body", body_id) == body_id]
            return self._page(path, objects, query)
        wanted = f"{self.base}/{path}"
        for key in ("bodies", *LISTS.values()):
            for obj in self.fixture[key]:
                if obj["id"] == wanted:
                    return copy.deepcopy(obj)
        return None

    def _page(self, path: str, objects: list[dict[str, Any]], query: dict[str, str]) -> dict[str, Any]:
        since = parse_datetime(query["modified_since"]) if query.get("modified_since") else None
        if since is not None:
            # with modified_since the spec lists deleted objects too (as markers)
            objects = [o for o in objects if (parse_datetime(o.get("modified", "")) or since) >= since]
        else:
            objects = [o for o in objects if not o.get("deleted")]
        page = max(1, int(query.get("page", "1") or 1))
        pages = max(1, math.ceil(len(objects) / self.page_size))
        start = (page - 1) * self.page_size
        links: dict[str, str] = {}
        keep = {k: v for k, v in query.items() if k != "page"}

        def link(number: int) -> str:
            return f"{self.base}/{path}?" + urllib.parse.urlencode({**keep, "page": number})

        links["first"] = link(1)
        if page < pages:
            links["next"] = link(page + 1)
        return {
            "data": copy.deepcopy(objects[start : start + self.page_size]),
            "pagination": {
                "totalElements": len(objects),
                "elementsPerPage": self.page_size,
                "currentPage": page,
                "totalPages": pages,
            },
            "links": links,
        }
