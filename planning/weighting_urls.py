"""The priority index's weightings in the planners' back office, under /planung/gewichtungen/."""

from django.urls import re_path

from planning import weighting_views as views

app_name = "weightings"

urlpatterns = [
    re_path(r"^$", views.weighting_list, name="list"),
    re_path(r"^neu/$", views.weighting_new, name="new"),
    # an id has 1 to 18 digits: a longer number is no id (404, not an overflow)
    re_path(r"^(?P<pk>[0-9]{1,18})/$", views.weighting_edit, name="edit"),
    re_path(r"^(?P<pk>[0-9]{1,18})/standard/$", views.weighting_default, name="default"),
    re_path(r"^(?P<pk>[0-9]{1,18})/loeschen/$", views.weighting_delete, name="delete"),
]
