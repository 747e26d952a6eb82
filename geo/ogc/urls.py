from django.urls import path, re_path

from geo.ogc import views

app_name = "ogc"

# A trailing slash is accepted too: clients differ in how they join paths.
urlpatterns = [
    path("", views.landing, name="landing"),
    re_path(r"^conformance/?$", views.conformance, name="conformance"),
    re_path(r"^api/?$", views.api, name="api"),
    re_path(r"^collections/?$", views.collections, name="collections"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/?$", views.collection, name="collection"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/queryables/?$", views.queryables, name="queryables"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/schema/?$", views.schema, name="schema"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/?$", views.items, name="items"),
    re_path(r"^collections/(?P<collection_id>[^/]+)/items/(?P<fid>[^/]+)/?$", views.item, name="item"),
]
