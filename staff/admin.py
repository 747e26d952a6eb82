"""The staff app in Django's admin, for superusers: memberships (which cities a staff member works for),
and, read-only, invitations and the team's audit. City admins use the team page (/planung/team/)."""

from django.contrib import admin

from geo.admin import ReadOnlyAdmin
from staff.models import Invitation, Membership, StaffEvent


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "city", "created_at"]
    list_filter = ["city"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = [
        "email",
        "role",
        "city",
        "invited_by",
        "created_at",
        "expires_at",
        "used_at",
        "withdrawn_at",
    ]
    list_filter = ["role", "city"]
    search_fields = ["email"]
    exclude = ["token_hash"]


@admin.register(StaffEvent)
class StaffEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_name", "action", "subject_name", "city", "note"]
    list_filter = ["action", "city"]
    search_fields = ["actor_name", "subject_name", "note"]
