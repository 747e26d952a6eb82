"""The demo's development plans: ``fixtures/xplanung/ludwigsburg-demo.gml``, an illustrative XPlanGML
5.4 file (invented plans, names and numbers inside Ludwigsburg's outline), imported with the same
code as ``manage.py import_xplan``."""

from pathlib import Path

from django.conf import settings

from plans.services import xplan_import

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "xplanung" / "ludwigsburg-demo.gml"


def load_demo(demo_dir: Path) -> str:
    if not DEMO_FILE.exists():
        return "no XPlanGML demo file"
    return str(xplan_import([DEMO_FILE]))
