from django.urls import path

from quartiere import views

urlpatterns = [
    path("", views.overview, name="overview"),
]
