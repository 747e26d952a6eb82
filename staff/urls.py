"""Staff accounts: the team pages of city admins and the invitation to set a password."""

from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("planung/team/", views.team, name="team"),
    path("planung/team/einladen/", views.team_invite, name="invite"),
    path("planung/team/<int:user_id>/rollen/", views.team_roles, name="roles"),
    path("planung/team/<int:user_id>/aktiv/", views.team_active, name="active"),
    path("planung/team/einladungen/<int:invitation_id>/zurueckziehen/", views.team_withdraw, name="withdraw"),
    path("planung/team/trialog/", views.team_trialog, name="trialog"),
    path("planung/team/trialog/<int:role_id>/entziehen/", views.team_trialog_revoke, name="trialog_revoke"),
    # the link is /planung/einladung/#<token>: the token stays in the browser (fragment)
    path("planung/einladung/", views.invitation, name="invitation"),
]
