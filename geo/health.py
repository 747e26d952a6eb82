"""``/health``: 200 ``{"status": "ok"}``, 503 when the database is unreachable.

The PostgreSQL and PostGIS versions are added only for staff users or with ``HEALTH_SHOW_VERSIONS``:
publicly they would tell an attacker which known vulnerabilities to try."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('server_version'), postgis_lib_version(), postgis_full_version()"
            )
            pg, postgis, postgis_full = cursor.fetchone()
    except DatabaseError as error:
        logger.error("health check: database unreachable: %s", error)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if not (settings.HEALTH_SHOW_VERSIONS or request.user.is_staff):
        return JsonResponse({"status": "ok"})
    return JsonResponse(
        {"status": "ok", "database": {"postgresql": pg, "postgis": postgis, "postgis_full": postgis_full}}
    )
