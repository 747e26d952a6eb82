"""Loading the ``.sql`` files that sit beside the code running them."""

from functools import cache
from pathlib import Path


@cache
def load(anchor: str, name: str) -> str:
    """The text of ``sql/<name>.sql`` in the package of the module file ``anchor`` (pass ``__file__``)."""
    return (Path(anchor).resolve().parent / "sql" / f"{name}.sql").read_text()
