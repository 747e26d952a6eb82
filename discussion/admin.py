"""The admin shows comments and their moderation log read-only: every write goes through
discussion.services (the queue at /moderation/kommentare/, the pages, the API)."""

from django.contrib import admin

from discussion.models import Comment, CommentEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ["__str__", "city", "status", "official", "unit", "parent", "created_at"]
    list_filter = ["status", "official"]
    search_fields = ["text"]
    exclude = ["email", "delete_token_hash"]  # personal data and the secret's hash stay out of view


@admin.register(CommentEvent)
class CommentEventAdmin(ReadOnly):
    list_display = ["at", "actor_name", "action", "comment_id", "from_status", "to_status", "note"]
    list_filter = ["action"]
