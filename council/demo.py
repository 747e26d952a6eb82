"""The demo's council papers: fixtures/ludwigsburg/oparl.json imported through the same importer as
``import_oparl``, from the fixture file instead of a server (``council.fixture_source``)."""

from pathlib import Path

from council.fixture_source import FixtureSource, load_fixture
from council.services import oparl_import

FIXTURE = "oparl.json"
# the demo's made-up council information system; its addresses only name the objects
DEMO_BASE = "https://ratsinfo.example.org/oparl/v1"


def load_demo(demo_dir: Path) -> str:
    """Import the demo's OParl fixture (all of it, idempotent); a summary line."""
    source = FixtureSource(load_fixture(Path(demo_dir) / FIXTURE, DEMO_BASE), DEMO_BASE)
    reports = oparl_import(source, f"{DEMO_BASE}/system", full=True)
    return "; ".join(str(report) for report in reports)
