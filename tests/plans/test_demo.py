"""The demo's illustrative XPlanGML file: ``load_demo`` imports its three invented plans into
Ludwigsburg, each inside the city's outline and linked to its Quartiere; loading again changes nothing."""

from io import StringIO

from django.core.management import call_command
from django.test import Client

from plans.demo import load_demo
from plans.models import DevelopmentPlan


def test_the_demo_imports_three_illustrative_plans_into_ludwigsburg(demo):
    plans = {plan.number: plan for plan in DevelopmentPlan.objects.select_related("city")}
    assert set(plans) == {"DEMO-BP-01", "DEMO-BP-02", "DEMO-FP-01"}
    for plan in plans.values():
        assert plan.city.code == "08118048"
        assert plan.name.startswith("Illustrativ:")
        assert plan.city.geom.contains(plan.geom)
        assert plan.area_links.filter(level=3, area__parent=plan.city).exists()
    assert "unchanged 3" in load_demo(demo_dir=None)  # type: ignore[arg-type]


def test_the_demo_plan_shows_on_mittes_profile(demo):
    html = Client().get("/quartiere/mitte/").content.decode()
    assert "Illustrativ: Am Schlosspark" in html and "DEMO-BP-01" in html
    call_command("check_cities", "--quiet", stdout=StringIO())
