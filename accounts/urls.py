"""``/konto/``: allauth's sign-up, sign-in, address and password pages, and the account's own pages.

No ``app_name``: allauth reverses its routes by their plain names (``account_login``); ours are
``konto_*``."""

from django.urls import include, path

from accounts import views

urlpatterns = [
    path("", views.overview, name="konto_overview"),
    path("beitraege/", views.contributions, name="konto_contributions"),
    path("benachrichtigungen/", views.notifications, name="konto_notifications"),
    path("export/", views.export, name="konto_export"),
    path("loeschen/", views.delete, name="konto_delete"),
    path("", include("allauth.urls")),
]
