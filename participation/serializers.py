"""Input shapes of the participation API (types and size limits; the rules live in the services)
and the JSON outputs that are not GeoJSON."""

import math

from rest_framework import serializers

from participation.models import (
    PSEUDONYM_MAX,
    REASON_MAX,
    RESPONSE_MAX,
    TEXT_MAX,
    Action,
    Category,
    Contribution,
    FlagReason,
    ModerationEvent,
    Origin,
    Outcome,
    Status,
)
from participation.selectors import Review

MAX_ID = 2**62


class FiniteFloatField(serializers.FloatField):
    default_error_messages = {"finite": "must be a finite number."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("finite")
        return value


class ContributionCreateSerializer(serializers.Serializer):
    consultation = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    lon = FiniteFloatField(min_value=-180, max_value=180, help_text="longitude, WGS84 (EPSG:4326)")
    lat = FiniteFloatField(min_value=-90, max_value=90, help_text="latitude, WGS84 (EPSG:4326)")
    text = serializers.CharField(max_length=TEXT_MAX, trim_whitespace=False, help_text="plain text")
    category = serializers.ChoiceField(Category.choices)
    origin = serializers.ChoiceField(
        Origin.choices, required=False, help_text="council and administration: staff only"
    )
    pseudonym = serializers.CharField(max_length=PSEUDONYM_MAX, required=False, allow_blank=True)
    email = serializers.EmailField(
        max_length=254, required=False, allow_blank=True, help_text="private: never published"
    )
    website = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="leave empty (spam trap)"
    )


class ContributionCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(Status.choices)
    message = serializers.CharField()
    delete_url = serializers.CharField(help_text="secret link to delete the contribution; shown only once")


class SupportSerializer(serializers.Serializer):
    supports = serializers.IntegerField()
    supported = serializers.BooleanField()


class FlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(FlagReason.choices)
    note = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)


class FlaggedSerializer(serializers.Serializer):
    message = serializers.CharField()


class ResponseInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=RESPONSE_MAX)
    unit = serializers.CharField(max_length=200)
    outcome = serializers.ChoiceField(Outcome.choices)
    date = serializers.DateField(required=False)
    measure = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)


class ModerateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        [Action.PUBLISH, Action.REJECT, Action.HIDE, Action.RESTORE, Action.CONFIRM_HIDE],
        help_text="confirm_hide: an automatically hidden contribution stays hidden (closes its flags); "
        "restore: a hidden one is published again (publish does the same from any status it allows)",
    )
    reason = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)


class DismissFlagsSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=REASON_MAX, required=False, allow_blank=True)


class MeasuresSerializer(serializers.Serializer):
    measures = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=200, allow_empty=True
    )


class EraseSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=200)


class ModerationItemSerializer(serializers.ModelSerializer):
    """A contribution as moderators see it: with status and flags; email only with the permission."""

    lon = serializers.SerializerMethodField()
    lat = serializers.SerializerMethodField()
    open_flags = serializers.IntegerField(read_only=True)
    review = serializers.ChoiceField(
        Review.ALL,
        allow_null=True,
        read_only=True,
        help_text="auto_hidden: hidden automatically after reports, awaits publish or confirm_hide; "
        "reported: still published with open reports; pending: awaits publication",
    )
    supports = serializers.IntegerField(source="support_total", read_only=True)
    email = serializers.SerializerMethodField()

    class Meta:
        model = Contribution
        fields = [
            "id",
            "consultation",
            "status",
            "reject_reason",
            "category",
            "origin",
            "text",
            "pseudonym",
            "email",
            "created_at",
            "version",
            "lon",
            "lat",
            "open_flags",
            "review",
            "supports",
        ]

    def get_lon(self, obj) -> float:
        return round(obj.wgs84.x, 7)

    def get_lat(self, obj) -> float:
        return round(obj.wgs84.y, 7)

    def get_email(self, obj) -> str | None:
        return obj.email if self.context.get("personal") else None


class ModerationEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModerationEvent
        fields = [
            "id",
            "contribution_id",
            "consultation",
            "actor_name",
            "action",
            "from_status",
            "to_status",
            "note",
            "at",
        ]
