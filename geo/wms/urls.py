from django.urls import path

from geo.wms import views

urlpatterns = [path("", views.ows, name="ows")]
