from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from geo.health import health
from quartiere import api as quartiere_api

router = DefaultRouter()
quartiere_api.register(router)

urlpatterns = [
    path("health", health, name="health"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/locate/", quartiere_api.locate, name="locate"),
    path("api/", include(router.urls)),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("quartiere.urls")),
]
