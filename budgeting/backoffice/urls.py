"""``/planung/buergerhaushalt/``: the back office of participatory budgets (planners; moderators moderate)."""

from django.urls import path

from budgeting.backoffice import views

app_name = "budgeting_office"

urlpatterns = [
    path("", views.budget_list, name="list"),
    path("neu/", views.budget_new, name="new"),
    path("<int:pk>/", views.budget_detail, name="detail"),
    path("<int:pk>/bearbeiten/", views.budget_edit, name="edit"),
    path("<int:pk>/phase/", views.budget_advance, name="advance"),
    path("<int:pk>/massnahmen/", views.budget_convert, name="convert"),
    path("<int:pk>/vorschlaege/<int:proposal>/moderieren/", views.proposal_moderate, name="moderate"),
    path("<int:pk>/vorschlaege/<int:proposal>/pruefen/", views.proposal_review, name="review"),
]
