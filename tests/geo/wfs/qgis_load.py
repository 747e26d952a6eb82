"""Run by the system's Python 3 (Debian's python3-qgis), not the project's: loads each named layer
through QGIS's WFS provider, headless, and prints what QGIS makes of it as JSON.
Usage: python3 qgis_load.py URL SRSNAME TYPENAME…"""

import json
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import QgsApplication, QgsVectorLayer  # noqa: E402

url, srs, *names = sys.argv[1:]
app = QgsApplication([], False)
app.initQgis()
result = {}
for name in names:
    uri = (
        f"pagingEnabled='true' restrictToRequestBBOX='0' srsname='{srs}' typename='{name}' "
        f"url='{url}' version='2.0.0'"
    )
    layer = QgsVectorLayer(uri, name, "WFS")
    entry = {"valid": layer.isValid()}
    if layer.isValid():
        features = list(layer.getFeatures())
        centroids = [feature.geometry().centroid().asPoint() for feature in features[:200]]
        entry.update(
            count=layer.featureCount(),
            fetched=len(features),
            fields=[field.name() for field in layer.fields()],
            centroids=[[point.x(), point.y()] for point in centroids],
            crs=layer.crs().authid(),
        )
    result[name] = entry
print(json.dumps(result))
sys.stdout.flush()
# QGIS 3.22 may crash in exitQgis() when run headless like this; everything is printed by now
os._exit(0)
