"""Reference layers and spatial indicators, under /planung/indikatoren/ebenen/."""

from django.urls import re_path

from indicators.backoffice import layer_views as views

urlpatterns = [
    re_path(r"^$", views.layer_list, name="layers"),
    re_path(r"^hochladen/$", views.layer_upload, name="layer_upload"),
    re_path(r"^indikator/neu/$", views.spatial_new, name="spatial_new"),
    # an id has 1 to 18 digits: a longer number is no id (404, not an overflow)
    re_path(r"^indikator/(?P<pk>[0-9]{1,18})/$", views.spatial_edit, name="spatial_edit"),
    re_path(
        r"^indikator/(?P<pk>[0-9]{1,18})/neu-berechnen/$", views.spatial_recompute, name="spatial_recompute"
    ),
]
