"""Events in the planners' back office, under /planung/veranstaltungen/."""

from django.urls import re_path

from events.backoffice import views

app_name = "events_office"

urlpatterns = [
    re_path(r"^$", views.event_list, name="list"),
    re_path(r"^neu/$", views.event_new, name="new"),
    # an id has 1 to 18 digits: a longer number is no id (404, not an overflow)
    re_path(r"^(?P<pk>[0-9]{1,18})/$", views.event_edit, name="edit"),
    re_path(r"^(?P<pk>[0-9]{1,18})/absagen/$", views.event_cancel, name="cancel"),
    re_path(r"^(?P<pk>[0-9]{1,18})/anmeldungen\.csv$", views.registrations_csv, name="csv"),
]
