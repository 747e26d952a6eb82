"""``/api/places/``: the place search of every map where a person places something (the search itself
is ``quartiere.places``; it lives here for participation's throttle, counted by a keyed hash of the
client's address, as for anonymous contributions)."""

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from geo import params
from geo.geojson import geojson_schema
from participation.throttling import AnonymousWriteThrottle
from quartiere import places


class PlaceSearchThrottle(AnonymousWriteThrottle):
    """Searches per client: generous (a search as one types), still bounded."""

    setting = "PLACES_SEARCH_RATE"
    scope = "places"


def feature_collection(found: places.Found) -> dict:
    """The found places as a GeoJSON FeatureCollection (EPSG:4326), ``source`` a foreign member."""
    features = []
    for place in found.places:
        feature: dict = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {"name": place.name, "kind": place.kind, "label": place.label},
        }
        if place.bbox:
            feature["bbox"] = list(place.bbox)
        features.append(feature)
    return {"type": "FeatureCollection", "source": found.source, "features": features}


class PlaceSearchView(APIView):
    """Addresses, Quartiere and cities matching a text: a public read (``geo.public``), the same for
    everybody, throttled per client."""

    public_read = True
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PlaceSearchThrottle]

    @extend_schema(
        summary="Find an address or a place (GeoJSON points, EPSG:4326)",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description=f"the text, {places.QUERY_MIN}–{places.QUERY_MAX} characters, e.g. Marktplatz 1",
            ),
            OpenApiParameter(
                "typing",
                OpenApiTypes.STR,
                enum=["0", "1"],
                description="1: a suggestion while typing (never sent to Nominatim, which forbids it)",
            ),
            OpenApiParameter(
                "limit", OpenApiTypes.INT, description=f"at most (default 8, max {places.LIMIT_MAX})"
            ),
        ],
        responses={
            200: geojson_schema("PlaceFeatureCollection", collection=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="q too short or too long, or a bad limit"),
            429: OpenApiResponse(OpenApiTypes.OBJECT, description="too many requests; see Retry-After"),
        },
    )
    def get(self, request):
        q = " ".join(request.GET.get("q", "").split())
        problem = places.query_problem(q)
        if problem:
            raise params.invalid("q", problem)
        limit = params.integer(request.GET, "limit", default=8, lo=1, hi=places.LIMIT_MAX)
        as_you_type = params.choice(request.GET, "typing", ["0", "1"]) == "1"
        found = places.place_search(q=q, limit=limit, as_you_type=as_you_type)
        response = HttpResponse(
            json.dumps(feature_collection(found), ensure_ascii=False), content_type="application/geo+json"
        )
        response["Cache-Control"] = "public, max-age=300"
        return response


search = PlaceSearchView.as_view()
