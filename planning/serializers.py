"""Serializers of the planning API: they parse and shape; the rules are in planning.services."""

from rest_framework import serializers

from geo.fields import GeometryField, UtcDateTimeField
from measures.models import Dimension, Measure
from measures.serializers import AreaLinkSerializer
from planning.models import FocusArea, FocusAreaArea, Priority, TimeHorizon
from quartiere.models import Area


class FocusAreaLinkSerializer(AreaLinkSerializer):
    """An area the focus area overlaps (computed, read-only); ``share`` of its surface in it."""

    class Meta:
        model = FocusAreaArea
        fields = ["area", "name", "level", "share"]
        read_only_fields = fields


class FocusAreaSerializer(serializers.ModelSerializer):
    """A focus area with its polygon as GeoJSON in the request's CRS (?srid=, default 4326)."""

    city = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), help_text="id of an area of level city"
    )
    geom = GeometryField(
        types=("Polygon", "MultiPolygon"), help_text="the focus area (Polygon or MultiPolygon)"
    )
    priority = serializers.ChoiceField(Priority.choices, required=False)
    time_horizon = serializers.ChoiceField(TimeHorizon.choices, required=False)
    # in UTC, as the list's statement writes them (planning/sql/focus_area_features.sql)
    created_at = UtcDateTimeField(read_only=True)
    updated_at = UtcDateTimeField(read_only=True)
    dimensions = serializers.ListField(
        child=serializers.ChoiceField(Dimension.choices), required=False, max_length=len(Dimension.choices)
    )
    measures = serializers.PrimaryKeyRelatedField(
        queryset=Measure.objects.all(), many=True, required=False, help_text="ids of the measures serving it"
    )
    areas = FocusAreaLinkSerializer(source="area_links", many=True, read_only=True)

    class Meta:
        model = FocusArea
        fields = [
            "id",
            "name",
            "rationale",
            "priority",
            "dimensions",
            "time_horizon",
            "measures",
            "city",
            "geom",
            "published",
            "version",
            "created_at",
            "updated_at",
            "areas",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at", "areas"]
