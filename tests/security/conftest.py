"""Text that would be code somewhere — a Jinja/Django template, a JavaScript template literal, HTML —
put into every text field people or imported files fill, so the tests can see it come back literally."""

from dataclasses import dataclass

from django.db import connection

from measures.models import ActionField, MasterPlan, Measure, StrategicGoal
from participation.models import Consultation, Contribution, Response
from planning.models import FocusArea
from quartiere.models import Area, Level

# {{ }} and {% %} and {# are Jinja's and Django's template syntax; ${} a JavaScript template literal's;
# </script> ends a script element wherever text is pasted into one
PAYLOAD = "{{ 6*7 }} {% raw %} {# ${7*7} <script>alert(1)</script> </script>"
SHORT = "{{ 6*7 }}{#<b>"  # for fields of at most 60 characters (the pseudonym)
BIG = "{{ 6*7 }}" + "x" * (20 * 1024)  # a 20 KB string


@dataclass
class Poisoned:
    quartier: Area
    measure: Measure
    focus_area: FocusArea
    contribution: Contribution
    response: Response
    consultation: Consultation
    action_field: ActionField
    goal: StrategicGoal
    master_plan: MasterPlan

    def point(self, table: str, pk: int, column: str = "geom") -> tuple[float, float]:
        """A point on the surface of a row's geometry, in EPSG:25832 (m)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface({column}) AS p FROM {table} "
                "WHERE id = %s) AS s",
                [pk],
            )
            return cursor.fetchone()


def poison() -> Poisoned:
    """Every text field of one object of each kind in the demo's Quartier Mitte becomes ``PAYLOAD``
    (written as stored data: whichever way it came in, this is what the outputs must show)."""
    mitte = Area.objects.get(level=Level.QUARTIER, code="08118048-01")  # Ludwigsburg's Mitte
    measure = (
        Measure.objects.filter(published=True, geom__isnull=False, areas=mitte, strategic_goals__isnull=False)
        .order_by("id")
        .first()
    )
    focus_area = FocusArea.objects.filter(published=True, areas=mitte).order_by("id").first()
    contribution = (
        Contribution.objects.filter(status="published", areas=mitte, response__isnull=False)
        .order_by("id")
        .first()
    )
    response = contribution.response
    goal = measure.strategic_goals.order_by("id").first()
    action_field = goal.action_field
    master_plan = MasterPlan.objects.order_by("id").first()
    consultation = contribution.consultation

    Area.objects.filter(pk=mitte.pk).update(name=PAYLOAD)
    Measure.objects.filter(pk=measure.pk).update(
        title=PAYLOAD, description=PAYLOAD, responsible_unit=PAYLOAD, master_plan=master_plan
    )
    FocusArea.objects.filter(pk=focus_area.pk).update(name=PAYLOAD, rationale=PAYLOAD)
    Contribution.objects.filter(pk=contribution.pk).update(text=PAYLOAD, pseudonym=SHORT)
    Response.objects.filter(pk=response.pk).update(text=PAYLOAD, unit=PAYLOAD)
    Consultation.objects.filter(pk=consultation.pk).update(title=PAYLOAD, description=PAYLOAD)
    ActionField.objects.filter(pk=action_field.pk).update(name=PAYLOAD, description=PAYLOAD)
    StrategicGoal.objects.filter(pk=goal.pk).update(title=PAYLOAD, text=PAYLOAD)
    MasterPlan.objects.filter(pk=master_plan.pk).update(title=PAYLOAD)
    return Poisoned(
        quartier=Area.objects.get(pk=mitte.pk),
        measure=Measure.objects.get(pk=measure.pk),
        focus_area=FocusArea.objects.get(pk=focus_area.pk),
        contribution=Contribution.objects.get(pk=contribution.pk),
        response=Response.objects.get(pk=response.pk),
        consultation=Consultation.objects.get(pk=consultation.pk),
        action_field=ActionField.objects.get(pk=action_field.pk),
        goal=StrategicGoal.objects.get(pk=goal.pk),
        master_plan=MasterPlan.objects.get(pk=master_plan.pk),
    )
