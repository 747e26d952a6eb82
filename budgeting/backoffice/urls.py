from django.urls import path  # noqa: F401

app_name = "budgeting_office"

urlpatterns: list = []
