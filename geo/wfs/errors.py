"""WFS 2.0 exceptions: an OWS 1.1 ``ExceptionReport`` with the code, the locator (the parameter) and
the HTTP status that OWS Common and WFS 2.0 (Table 3) give each code. Messages are XML-escaped, never a
stack trace."""

from xml.sax.saxutils import escape, quoteattr

from django.http import HttpResponse

from geo.middleware import RETRY_AFTER_S

MISSING_PARAMETER = "MissingParameterValue"
INVALID_PARAMETER = "InvalidParameterValue"
OPERATION_NOT_SUPPORTED = "OperationNotSupported"
OPTION_NOT_SUPPORTED = "OptionNotSupported"
VERSION_NEGOTIATION_FAILED = "VersionNegotiationFailed"
OPERATION_PARSING_FAILED = "OperationParsingFailed"
NOT_FOUND = "NotFound"
NO_APPLICABLE_CODE = "NoApplicableCode"

# OWS Common 2.0 Table 28 and WFS 2.0.2 Table 3: client mistakes are 400; what the server does not
# implement is 501; an unknown feature of GetFeatureById is 404.
STATUS = {
    MISSING_PARAMETER: 400,
    INVALID_PARAMETER: 400,
    VERSION_NEGOTIATION_FAILED: 400,
    OPERATION_PARSING_FAILED: 400,
    OPERATION_NOT_SUPPORTED: 501,
    OPTION_NOT_SUPPORTED: 501,
    NOT_FOUND: 404,
    NO_APPLICABLE_CODE: 503,
}

OWS_NS = "http://www.opengis.net/ows/1.1"


class WFSError(Exception):
    def __init__(self, code: str, message: str, *, locator: str | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.locator = locator
        self.status = status if status is not None else STATUS.get(code, 400)


def missing(name: str) -> WFSError:
    return WFSError(MISSING_PARAMETER, f"Parameter {name} is required.", locator=name)


def invalid(name: str, reason: str) -> WFSError:
    return WFSError(INVALID_PARAMETER, f"Parameter {name} {reason}", locator=name)


def not_supported(name: str, reason: str) -> WFSError:
    return WFSError(OPTION_NOT_SUPPORTED, f"Parameter {name}: {reason}", locator=name)


def report_xml(error: WFSError) -> str:
    locator = f" locator={quoteattr(error.locator)}" if error.locator else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ows:ExceptionReport xmlns:ows="{OWS_NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="2.0.0" xml:lang="en" '
        f'xsi:schemaLocation="{OWS_NS} http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd">\n'
        f"  <ows:Exception exceptionCode={quoteattr(error.code)}{locator}>\n"
        f"    <ows:ExceptionText>{escape(error.message)}</ows:ExceptionText>\n"
        "  </ows:Exception>\n</ows:ExceptionReport>\n"
    )


def report_response(error: WFSError) -> HttpResponse:
    response = HttpResponse(
        report_xml(error), content_type="application/xml; charset=utf-8", status=error.status
    )
    response["Cache-Control"] = "no-store"
    if error.status == 503:
        response["Retry-After"] = str(RETRY_AFTER_S)
    return response
