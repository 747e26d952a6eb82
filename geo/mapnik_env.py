"""Mapnik in the same process as GeoDjango: its environment, its import and a start-up check.

The mapnik wheel bundles its own PROJ and GDAL data and, when ``PROJ_LIB``/``GDAL_DATA`` are unset,
``import mapnik`` points them at those copies — after which every GeoDjango transform fails (Debian's
PROJ needs its own ``proj.db``). So the system's paths are set before mapnik is ever imported, and
mapnik never reprojects: the WMS SQL returns geometry already transformed by PostGIS into the map's
CRS (see DESIGN.md, "Dependencies").
"""

import os
from functools import cache
from pathlib import Path
from types import ModuleType

from django.core import checks

SYSTEM_DATA = {"PROJ_LIB": "/usr/share/proj", "PROJ_DATA": "/usr/share/proj", "GDAL_DATA": "/usr/share/gdal"}
# Fonts for labels: the system's DejaVu (fonts-dejavu-core) besides the copy the wheel ships.
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
LABEL_FONT = "DejaVu Sans Book"


def _points_into_mapnik(value: str) -> bool:
    return "site-packages/mapnik" in value or "dist-packages/mapnik" in value


def prepare_environment() -> None:
    """Point PROJ and GDAL at the system's data unless the environment already names other (non-mapnik)
    paths. Idempotent; called when ``geo`` is loaded, long before the first render."""
    for name, path in SYSTEM_DATA.items():
        current = os.environ.get(name)
        if (current is None or _points_into_mapnik(current)) and Path(path).is_dir():
            os.environ[name] = path


prepare_environment()


@cache
def mapnik() -> ModuleType:
    """The ``mapnik`` module, imported once with the environment prepared."""
    prepare_environment()
    import mapnik as module

    for directory in FONT_DIRS:
        if Path(directory).is_dir():
            module.register_fonts(directory)
    return module


def check_mapnik(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Django system check: mapnik imports, has its ``postgis`` input plugin and a label font, and left
    the PROJ/GDAL environment of GeoDjango alone."""
    try:
        module = mapnik()
    except ImportError as error:
        return [checks.Error(f"mapnik cannot be imported: {error}", hint="pip install mapnik", id="geo.E001")]
    errors: list[checks.CheckMessage] = []
    plugins = module.DatasourceCache.plugin_names()
    if "postgis" not in plugins:
        errors.append(
            checks.Error(
                f"mapnik's postgis input plugin is missing (plugins: {', '.join(plugins) or 'none'})",
                hint="The WMS renders straight from PostGIS; install the mapnik wheel from PyPI.",
                id="geo.E002",
            )
        )
    if LABEL_FONT not in module.FontEngine.face_names():
        errors.append(
            checks.Warning(f"mapnik has no font {LABEL_FONT!r}: WMS labels will be missing", id="geo.W002")
        )
    for name in SYSTEM_DATA:
        if _points_into_mapnik(os.environ.get(name, "")):
            errors.append(
                checks.Error(
                    f"{name} points at mapnik's bundled data: GeoDjango transforms would fail",
                    hint="geo.mapnik_env must be imported before mapnik",
                    id="geo.E003",
                )
            )
    return errors
