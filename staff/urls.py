"""Staff accounts: the team pages of city admins and the invitation to set a password."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
