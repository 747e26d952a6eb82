from rest_framework.renderers import JSONRenderer


class GeoJSONRenderer(JSONRenderer):
    """Lets clients ask for ``Accept: application/geo+json`` (RFC 7946) without a 406."""

    media_type = "application/geo+json"
    format = "geojson"
