from django.urls import path, re_path

from geo.catalogue import views

app_name = "catalogue"

# CSW 2.0.2 at csw; OGC API – Records at the root (a trailing slash is accepted too).
urlpatterns = [
    re_path(r"^csw/?$", views.csw_endpoint, name="csw"),
    path("", views.landing, name="landing"),
    re_path(r"^conformance/?$", views.conformance, name="conformance"),
    re_path(r"^collections/?$", views.collections, name="collections"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/?$", views.collection, name="collection"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/?$", views.items, name="items"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/(?P<record_id>[^/]+)/?$", views.item, name="item"),
]
