from django.urls import path, re_path

from geo.wmts import views

# included at the site's root: /wmts (KVP) and /wmts/… (KVP at /wmts/service, REST below)
urlpatterns = [
    path("wmts", views.wmts, name="wmts"),
    re_path(r"^wmts/(?P<path>.*)$", views.wmts, name="wmts-path"),
]
