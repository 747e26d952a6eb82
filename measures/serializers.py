"""Serializers of the measures API: they parse and shape; the rules are in measures.services."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from council.models import Paper
from geo.fields import GeometryField, UtcDateTimeField
from measures.models import (
    TAG_MAX_LENGTH,
    TAGS_MAX,
    ActionField,
    BudgetLine,
    Dimension,
    LinkKind,
    MasterPlan,
    Measure,
    MeasureArea,
    MeasureStatus,
    Principle,
    StrategicGoal,
)
from quartiere.models import Area, Level


class ActionFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionField
        fields = ["id", "name", "slug", "description", "position"]


class StrategicGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicGoal
        fields = ["id", "action_field", "number", "title", "text"]


class MasterPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = MasterPlan
        fields = ["id", "title", "version", "year_adopted", "status", "action_fields"]


class AreaLinkSerializer(serializers.ModelSerializer):
    """An area a city-owned record touches, as quartiere.linking computed it (read-only): its id, name
    and level, and ``share``. Subclasses name the link model in ``Meta``."""

    name = serializers.CharField(source="area.name", read_only=True)
    level = serializers.SerializerMethodField()

    def get_level(self, link: Any) -> str:
        return Level(link.level).key


class MeasureLinkSerializer(AreaLinkSerializer):
    """An area the measure touches (computed, read-only)."""

    kind = serializers.ChoiceField(LinkKind.choices, read_only=True)

    class Meta:
        model = MeasureArea
        fields = ["area", "name", "level", "share", "kind"]
        read_only_fields = fields


class LinkedPaperSerializer(serializers.ModelSerializer):
    """A council paper linked to the measure (docs/council.md): its page is ``/rat/vorlagen/{id}/``,
    ``oparl_id`` is the paper in the council's own OParl API, ``web`` its page there (or null),
    ``decision`` the consultation that decided it (or its latest one; null when none is known).
    The context's ``decisions`` (paper id → ``council.selectors.Decision``) supplies the decisions."""

    type = serializers.CharField(source="paper_type")
    web = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField(
        help_text="the consultation that decided the paper, else its latest: date (of the meeting, UTC), "
        "committee, meeting, result, decided (authoritative or 'beschlossen'); null when none is known"
    )

    class Meta:
        model = Paper
        fields = ["id", "reference", "name", "date", "type", "oparl_id", "web", "decision"]
        read_only_fields = fields

    def get_web(self, paper: Paper) -> str | None:
        return paper.web or None

    def get_decision(self, paper: Paper) -> dict[str, Any] | None:
        decision = self.context.get("decisions", {}).get(paper.pk)
        if decision is None:
            return None
        return {  # as measures/sql/measure_features.sql writes it for the list
            "date": UtcDateTimeField().to_representation(decision.date) if decision.date else None,
            "committee": decision.committee,
            "meeting": decision.meeting,
            "result": decision.result or None,
            "decided": decision.decided,
        }


class MeasureSerializer(serializers.ModelSerializer):
    """A measure with its geometry as GeoJSON in the request's CRS (?srid=, default 4326)."""

    # in UTC, as the list's statement writes them (measures/sql/measure_features.sql)
    created_at = UtcDateTimeField(read_only=True)
    updated_at = UtcDateTimeField(read_only=True)

    city = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), help_text="id of an area of level city"
    )
    scope = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        allow_null=True,
        required=False,
        help_text="without a geometry: the city, its region or one of its Quartiere the measure applies to",
    )
    geom = GeometryField(allow_null=True, required=False, help_text="the measure's place (or give a scope)")
    status = serializers.ChoiceField(MeasureStatus.choices, required=False)
    principles = serializers.ListField(
        child=serializers.ChoiceField(Principle.choices), required=False, max_length=len(Principle.choices)
    )
    dimensions = serializers.ListField(
        child=serializers.ChoiceField(Dimension.choices), required=False, max_length=len(Dimension.choices)
    )
    tags = serializers.ListField(
        child=serializers.CharField(max_length=TAG_MAX_LENGTH),
        required=False,
        max_length=TAGS_MAX,
        help_text="short words to find the measure by; blanks trimmed, repeats dropped",
    )
    strategic_goals = serializers.PrimaryKeyRelatedField(
        queryset=StrategicGoal.objects.all(), many=True, required=False
    )
    areas = MeasureLinkSerializer(source="area_links", many=True, read_only=True)
    papers = serializers.SerializerMethodField(
        help_text="the council papers linked to the measure, by date (not those deleted in the source)"
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "title",
            "description",
            "rationale",
            "tags",
            "status",
            "responsible_unit",
            "start_date",
            "end_date",
            "principles",
            "dimensions",
            "strategic_goals",
            "master_plan",
            "city",
            "scope",
            "geom",
            "published",
            "version",
            "created_at",
            "updated_at",
            "areas",
            "papers",
        ]
        read_only_fields = ["id", "version", "created_at", "updated_at", "areas", "papers"]

    @extend_schema_field(LinkedPaperSerializer(many=True))
    def get_papers(self, measure: Measure) -> list[dict[str, Any]]:
        from measures.paper_links import linked_papers

        linked = linked_papers(measure)
        decisions = {item.paper.pk: item.decision for item in linked}
        papers = [item.paper for item in linked]
        return list(LinkedPaperSerializer(papers, many=True, context={"decisions": decisions}).data)


class BudgetLineSerializer(serializers.ModelSerializer):
    """An amount (EUR, two decimals, not negative) for a measure in a fiscal year."""

    class Meta:
        model = BudgetLine
        fields = ["id", "measure", "fiscal_year", "amount", "kind", "funding", "status", "note", "version"]
        read_only_fields = ["id", "version"]
