"""The WMS at ``/ows`` (1.3.0 and 1.1.1), rendered with Mapnik straight from PostGIS; see docs/wms.md.

``views`` dispatches, ``request`` parses (case-insensitive names, limits before drawing), ``crs``
knows axis orders, ``capabilities``, ``render`` (GetMap), ``featureinfo``, ``legend``, ``styles``
(``geo.layers.Style`` → Mapnik) and ``errors`` (ServiceExceptionReport).
"""
