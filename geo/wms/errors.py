"""WMS service exceptions: the ``ServiceExceptionReport`` of 1.3.0 and 1.1.1.

Every failure of a WMS request is a ``WMSError`` with one of the standard codes; the view turns it
into an XML report (XML-escaped, never a stack trace), or, for GetMap with ``EXCEPTIONS=INIMAGE`` or
``BLANK``, into an image — but only once the size and format are known to be valid.
"""

from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse

from geo.middleware import RETRY_AFTER_S

# The codes of WMS 1.3.0 (Annex A.2 / E.2) plus the OWS common ones for parameters.
INVALID_CRS = "InvalidCRS"
LAYER_NOT_DEFINED = "LayerNotDefined"
STYLE_NOT_DEFINED = "StyleNotDefined"
INVALID_FORMAT = "InvalidFormat"
LAYER_NOT_QUERYABLE = "LayerNotQueryable"
INVALID_POINT = "InvalidPoint"
MISSING_PARAMETER = "MissingParameterValue"
INVALID_PARAMETER = "InvalidParameterValue"
OPERATION_NOT_SUPPORTED = "OperationNotSupported"
INVALID_DIMENSION = "InvalidDimensionValue"

# 1.1.1 calls the CRS an SRS
CODES_1_1_1: dict[str | None, str | None] = {INVALID_CRS: "InvalidSRS"}


class WMSError(Exception):
    """A WMS exception: ``code`` (None for a plain message), ``locator`` (the parameter) and the HTTP
    status of the XML report (400 for the client's mistakes, 503 when the database failed us)."""

    def __init__(self, code: str | None, message: str, *, locator: str | None = None, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.locator = locator
        self.status = status


def missing(name: str) -> WMSError:
    return WMSError(MISSING_PARAMETER, f"Parameter {name} is required.", locator=name)


def invalid(name: str, reason: str) -> WMSError:
    return WMSError(INVALID_PARAMETER, f"Parameter {name} {reason}", locator=name)


def report_xml(error: WMSError, version: str) -> str:
    """The ``ServiceExceptionReport`` document of ``version`` (1.3.0 or 1.1.1) for ``error``."""
    code = CODES_1_1_1.get(error.code, error.code) if version == "1.1.1" else error.code
    attributes = ""
    if code:
        attributes += f" code={quoteattr(code)}"
    if error.locator:
        attributes += f" locator={quoteattr(error.locator)}"
    body = f"<ServiceException{attributes}>{escape(error.message)}</ServiceException>"
    if version == "1.1.1":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<ServiceExceptionReport version="1.1.1">\n'
            f"  {body}\n</ServiceExceptionReport>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.opengis.net/ogc '
        'http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd">\n'
        f"  {body}\n</ServiceExceptionReport>\n"
    )


def report_response(error: WMSError, version: str) -> HttpResponse:
    # 1.1.1 names its own MIME type for exception reports; OWSLib's 1.1.1 client looks for it
    content_type = "application/vnd.ogc.se_xml" if version == "1.1.1" else "text/xml"
    response = HttpResponse(
        report_xml(error, version), content_type=f"{content_type}; charset=utf-8", status=error.status
    )
    response["Cache-Control"] = "no-store"
    if error.status == 503:  # the database out of reach or too slow: a client may try again
        response["Retry-After"] = str(RETRY_AFTER_S)
    return response
