"""WFS 2.0 at ``/ows`` (``SERVICE=WFS``): the layer registry as feature types, GML 3.2 and GeoJSON built
by PostGIS; see docs/wfs.md."""
