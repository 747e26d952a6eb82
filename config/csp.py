"""The site-wide Content-Security-Policy on HTML pages: scripts and styles only from this origin (no
inline script, no inline style), images also from the basemap's tile server. Pages under
``CSP_EXEMPT_PATHS`` (the admin's map widgets and Swagger UI use inline script) get none; a view may
set its own header (geo.middleware's error pages, the WMS GetFeatureInfo page)."""

from urllib.parse import urlsplit

from django.conf import settings


def basemap_origin(url: str) -> str | None:
    """The scheme and host of a tile URL template; ``{s}`` subdomains become a wildcard."""
    parts = urlsplit(url.replace("{s}", "a"))
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.netloc
    if "{s}" in url.split("/")[2]:
        host = "*." + host.split(".", 1)[1]
    return f"{parts.scheme}://{host}"


def policy() -> str:
    images = ["'self'", "data:"]
    origin = basemap_origin(settings.BASEMAP_URL)
    if origin:
        images.append(origin)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if any(request.path.startswith(prefix) for prefix in settings.CSP_EXEMPT_PATHS):
            return response
        response["Content-Security-Policy"] = policy()
        return response
