"""The OpenAPI (drf-spectacular) pieces every app's API declares alike: the ``srid`` parameter, the
error answer, ``If-Match`` and the errors of a conditional write, paging, and the id pattern of routes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from geo import crs

# a primary key in a route: digits only, at most 18 (bigint), so a longer one is a 404 and not a 500
ID_REGEX = r"[0-9]{1,18}"
MAX_ID = 2**62

SRID_PARAM = OpenApiParameter(
    "srid",
    OpenApiTypes.INT,
    enum=sorted(crs.ALLOWED_SRIDS),
    description="EPSG code of the geometry in the request body and the response (and of bbox); default 4326",
)
SRID_OUT_PARAM = OpenApiParameter(
    "srid",
    OpenApiTypes.INT,
    enum=sorted(crs.ALLOWED_SRIDS),
    description="EPSG code of the output (and of bbox); default 4326",
)
BBOX_PARAM = OpenApiParameter(
    "bbox", OpenApiTypes.STR, description="minx,miny,maxx,maxy in the srid (lon/lat for 4326)"
)
PUBLISHED_PARAM = OpenApiParameter(
    "published",
    OpenApiTypes.STR,
    enum=["true", "false"],
    description="planners only; others see published",
)
PAGE_PARAMS = [
    OpenApiParameter("limit", OpenApiTypes.INT, description="page size (default 100, max 1000)"),
    OpenApiParameter("offset", OpenApiTypes.INT),
]
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="the ETag of the version you read; 428 without it, 412 when it is no longer current",
)

ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="error with the reason, by field or as 'detail'")
ERRORS = {400: ERROR, 401: ERROR, 403: ERROR, 404: ERROR}
# a write with If-Match (geo.etag)
WRITE_ERRORS = {**ERRORS, 412: ERROR, 428: ERROR}
