from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from discussion import api as discussion_api
from geo.health import health
from geo.ogc import views as ogc_views
from measures import api as measures_api
from measures import budget
from participation import api as participation_api
from participation.api import places as places_api
from planning import api as planning_api
from planning import cities
from quartiere import api as quartiere_api


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever a page links (the admin and Swagger UI link none of ours):
    send them to the SVG icon. Not permanent: the static URL carries a hash that changes with the file."""
    return redirect(static("favicon.svg"))


# No ".json" twins of the API's routes: DRF would pass their `format` to handlers that take none (a
# 500 on every one of them); `?format=json` or the Accept header choose the format instead.
router = DefaultRouter()
router.include_format_suffixes = False
quartiere_api.register(router)
participation_api.register(router)
measures_api.register(router)
planning_api.register(router)
discussion_api.register(router)

urlpatterns = [
    # the busiest public read first: every request's path is resolved once, by geo.public
    path("tiles/", include("geo.tiles.urls")),
    path("health", health, name="health"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/locate/", quartiere_api.locate, name="locate"),
    path("api/places/", places_api.search, name="places"),
    path("api/budget/", budget.budget, name="budget"),
    path("api/priorities/", planning_api.priorities, name="priorities"),
    path("api/indicators/", include("indicators.api_urls")),
    path("api/region/", include("region.api_urls")),
    path("api/", include(router.urls)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("karte/", include("participation.urls")),
    # /beteiligung/: the formats' own pages first, then the portal (its <slug>/ would take them)
    path("beteiligung/", include("events.urls")),  # veranstaltungen/…, kalender.ics
    path("beteiligung/<slug:consultation>/umfrage/", include("surveys.urls")),
    path("beteiligung/<slug:consultation>/buergerhaushalt/", include("budgeting.urls")),
    path("beteiligung/", include("participation.portal.urls")),
    path("diskussion/", include("discussion.urls")),
    path("konto/", include("accounts.urls")),
    path("ows", include("geo.wms.urls")),
    path("", include("geo.wmts.urls")),  # /wmts: MapProxy: WMTS and tile cache (docs/operations.md)
    # the landing page at /ogc too (the address the docs give): QGIS 3.22 cannot follow a relative redirect
    path("ogc", ogc_views.landing, name="ogc-root"),
    path("ogc/", include("geo.ogc.urls")),
    # the back office (login): moderators under /moderation/, planners under /planung/
    path("moderation/kommentare/", include("discussion.backoffice_urls")),
    path("moderation/", include("participation.backoffice.urls")),
    path("planung/massnahmen/", include("measures.backoffice.urls")),
    path("planung/strategie/", include("measures.backoffice.strategy_urls")),
    path("planung/verfahren/", include("participation.backoffice.consultation_urls")),
    path("planung/umfragen/", include("surveys.backoffice.urls")),
    path("planung/buergerhaushalt/", include("budgeting.backoffice.urls")),
    path("planung/veranstaltungen/", include("events.backoffice.urls")),
    # decision bases: indicators and reference layers, the priority index's weightings, scenarios
    path("planung/indikatoren/", include("indicators.backoffice.urls")),
    path("planung/gewichtungen/", include("planning.weighting_urls")),
    path("planung/szenarien/", include("scenarios.urls")),
    path("region/", include("region.urls")),
    path("rat/", include("council.urls")),
    path("catalogue/", include("geo.catalogue.urls")),
    path("", include("staff.urls")),  # /planung/team/, the invitation
    path("", include("planning.transparency.urls")),  # /massnahmen/, /strategie/, feeds
    path("staedte/", include("planning.city_urls")),  # every city's pages by its AGS
    path("", include("planning.urls")),  # /planung/, /quartiere/<slug>/, /bericht/ (the home city's)
    path("", cities.home, name="overview"),  # the home city's page
]

# the database out of reach while a middleware runs (e.g. saving the session): 503, not 500
handler500 = "geo.middleware.server_error"
