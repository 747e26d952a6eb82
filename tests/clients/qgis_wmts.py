"""Run by the system's Python 3 (Debian's python3-qgis), not the project's: loads a WMTS layer through
QGIS's WMS/WMTS provider, headless, reads a box of it (the provider fetches the tiles) and prints what
QGIS makes of it as JSON.
Usage: python3 qgis_wmts.py CAPABILITIES_URL LAYER TILEMATRIXSET CRS XMIN YMIN XMAX YMAX"""

import json
import os
import sys
from urllib.parse import urlencode

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsRasterLayer, QgsRectangle  # noqa: E402
from qgis.PyQt.QtGui import QColor  # noqa: E402

url, layer_name, matrix_set, crs, *box = sys.argv[1:]
app = QgsApplication([], False)
app.initQgis()
uri = urlencode(
    {
        "contextualWMSLegend": "0",
        "crs": crs,
        "dpiMode": "7",
        "format": "image/png",
        "layers": layer_name,
        "styles": "default",
        "tileMatrixSet": matrix_set,
        "url": url,
    }
)
layer = QgsRasterLayer(uri, layer_name, "wms")
result = {"valid": layer.isValid()}
if layer.isValid():
    # QGIS's map renderer crashes headless in 3.22; the provider's block is what it would draw
    block = layer.dataProvider().block(1, QgsRectangle(*(float(v) for v in box)), 280, 200)
    image = block.image()
    result.update(
        crs=layer.crs().authid(),
        size=[image.width(), image.height()],
        painted=sum(
            1
            for y in range(image.height())
            for x in range(image.width())
            if QColor.fromRgba(image.pixel(x, y)).alpha() > 0
        ),
    )
print(json.dumps(result))
sys.stdout.flush()
os._exit(0)  # QGIS 3.22 may crash in exitQgis() when run headless like this; everything is printed by now
