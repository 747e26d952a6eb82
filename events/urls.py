"""The public pages of events under /beteiligung/ (included before the portal, whose <slug>/ would
take them)."""

from django.urls import path, re_path

from events import views

app_name = "events"

urlpatterns = [
    path("veranstaltungen/", views.event_list, name="list"),
    path("veranstaltungen/abmelden/", views.unregister, name="unregister"),
    # an id has 1 to 18 digits: a longer number is no id (404, not an overflow)
    re_path(r"^veranstaltungen/(?P<pk>[0-9]{1,18})/$", views.event_detail, name="detail"),
    re_path(r"^veranstaltungen/(?P<pk>[0-9]{1,18})\.ics$", views.event_ics, name="ics"),
    path("kalender.ics", views.feed, name="feed"),
]
