from django.urls import path

from council import views

app_name = "council"
urlpatterns = [
    path("", views.paper_list, name="papers"),
    path("vorlagen/<int:pk>/", views.paper_detail, name="paper"),
]
