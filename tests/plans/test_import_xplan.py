"""``manage.py import_xplan``: XPlanGML 5.4 and 6.0 files written by the tests are read through GDAL
into development plans (EPSG:25832), linked to the Quartiere with their shares; a re-import updates
or leaves alone; every kind of bad file is refused with a reason naming it, and nothing is stored."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from plans.models import DevelopmentPlan, DevelopmentPlanArea
from tests.plans.conftest import C_AGS, O_AGS, counts
from tests.plans.xplan_files import Plan, document, rect, to_srid, write


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_xplan", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def shares(plan: DevelopmentPlan) -> dict[str, float]:
    links = DevelopmentPlanArea.objects.filter(plan=plan).select_related("area")
    return {link.area.code: round(link.share, 4) for link in links}


def test_it_imports_a_bp_plan_of_xplangml_5_4(grid, tmp_path):
    path = write(tmp_path / "bp.gml", Plan(name="Am Markt", number="042", ags=C_AGS), version="5.4")

    assert "created 1, updated 0, unchanged 0" in run(path)

    plan = DevelopmentPlan.objects.get()
    assert (plan.kind, plan.name, plan.number) == ("BP", "Am Markt", "042")  # "042": text, not 42
    assert (plan.legal_status, plan.legal_status_label, plan.status_group) == (
        4000,
        "In Kraft getreten",
        "in_force",
    )
    assert str(plan.preparation_date) == "2019-03-01" and str(plan.in_force_date) == "2021-07-15"
    assert (plan.xplan_version, plan.source_file, plan.gml_id) == ("5.4", "bp.gml", "GML_plan_0")
    assert plan.city == grid[C_AGS]
    assert plan.geom.srid == 25832 and plan.geom.geom_type == "MultiPolygon"
    assert plan.geom.area == pytest.approx(1800 * 500)
    # half of it in Quartier A, half in B; wholly in the city and the region
    assert shares(plan) == {"A": 0.5, "B": 0.5, C_AGS: 1.0, "R": 1.0}
    assert {link.city_id for link in plan.area_links.all()} == {grid[C_AGS].id}


def test_it_imports_an_fp_plan_of_xplangml_6_0(grid, tmp_path):
    plan_file = Plan(
        kind="FP", name="FNP 2035", number="FNP-1", status="4000", in_force="2020-02-01", ags=C_AGS
    )
    path = write(tmp_path / "fp.gml", plan_file, version="6.0")

    run(path)

    plan = DevelopmentPlan.objects.get()
    assert (plan.kind, plan.legal_status_label, plan.xplan_version) == ("FP", "Wirksam", "6.0")
    assert str(plan.in_force_date) == "2020-02-01"  # wirksamkeitsDatum


def test_it_reprojects_a_plan_in_epsg_31467(grid, tmp_path):
    rings = to_srid(rect(100, 100, 900, 900), 31467)
    assert rings[0][0][0] > 3_000_000  # Gauss-Krüger zone 3: easting with the zone's 3 in front
    path = write(tmp_path / "gk.gml", Plan(polygons=[rings], srs="EPSG:31467"))

    run(path)

    plan = DevelopmentPlan.objects.get()
    assert plan.geom.srid == 25832
    assert plan.geom.area == pytest.approx(800 * 800, rel=1e-3)
    assert plan.geom.extent == pytest.approx((500_100, 5_400_100, 500_900, 5_400_900), abs=1.0)
    assert plan.city == grid[C_AGS]  # by location: the file names no AGS
    assert shares(plan)["A"] == 1.0


def test_it_imports_every_plan_of_a_file_with_several_and_finds_their_cities(grid, tmp_path):
    path = write(
        tmp_path / "many.gml",
        Plan(number="1", polygons=[rect(100, 100, 900, 900)]),
        Plan(number="2", polygons=[rect(3100, 100, 3900, 900)]),  # in the other city, no AGS
        Plan(kind="FP", number="1", polygons=[rect(0, 0, 2000, 1000)], ags=C_AGS),
    )

    assert "3 plan(s) from 1 file(s): created 3" in run(path)

    by_key = {(p.kind, p.number): p for p in DevelopmentPlan.objects.all()}
    assert by_key[("BP", "1")].city == grid[C_AGS]
    assert by_key[("BP", "2")].city == grid[O_AGS]
    assert shares(by_key[("BP", "2")]) == {"D": 1.0, O_AGS: 1.0, "R": 1.0}
    assert shares(by_key[("FP", "1")])["A"] == 0.5


def test_a_joint_plan_is_stored_for_each_of_its_cities_cut_to_the_city(grid, tmp_path):
    # a Flächennutzungsplan of two municipalities: C by its AGS, O by its 12-digit Regionalschlüssel;
    # across C's Beta (x 1500…2000), the gap between the cities, and O's Delta (x 3000…3500)
    joint = Plan(
        kind="FP", number="F-7", polygons=[rect(1500, 100, 3500, 900)], ags=C_AGS, also=("080001234002",)
    )
    path = write(tmp_path / "fnp.gml", joint, ags="")

    summary = run(path)
    assert "1 plan(s) from 1 file(s) as 2 plan(s) of a city" in summary and "created 2" in summary
    in_c, in_o = (DevelopmentPlan.objects.get(number="F-7", city=grid[code]) for code in (C_AGS, O_AGS))
    assert in_c.geom.extent == pytest.approx((501_500, 5_400_100, 502_000, 5_400_900), abs=0.01)
    assert in_o.geom.extent == pytest.approx((503_000, 5_400_100, 503_500, 5_400_900), abs=0.01)
    assert shares(in_c)["B"] == 1.0 and "D" not in shares(in_c)
    assert shares(in_o)["D"] == 1.0 and "B" not in shares(in_o)
    assert in_c.municipalities == in_o.municipalities == [C_AGS, O_AGS]  # each row knows the others
    assert "unchanged 2" in run(path)  # a re-import finds both rows equal

    # an AGS that is no city of the service is left out; the plan is still cut to its one city here
    other = Plan(
        kind="FP", number="F-8", polygons=[rect(1500, 100, 2500, 900)], ags=C_AGS, also=("08999999",)
    )
    run(write(tmp_path / "fnp2.gml", other, ags=""))
    (only,) = DevelopmentPlan.objects.filter(number="F-8")
    assert only.city == grid[C_AGS]
    assert only.geom.extent == pytest.approx((501_500, 5_400_100, 502_000, 5_400_900), abs=0.01)
    assert only.municipalities == [C_AGS, "08999999"]

    # the file's list of municipalities changes: the rows are updated, the one left alone
    run(write(tmp_path / "fnp2.gml", Plan(**{**other.__dict__, "also": ()}), ags=""))
    only.refresh_from_db()
    assert only.municipalities == [C_AGS]


def test_a_joint_plan_naming_a_city_it_does_not_reach_is_refused(grid, tmp_path):
    path = write(
        tmp_path / "fnp.gml",
        Plan(kind="FP", number="F-9", polygons=[rect(100, 100, 900, 900)], ags=C_AGS, also=(O_AGS,)),
        ags="",
    )
    with pytest.raises(CommandError, match=r"lies outside its city Andere \(AGS 08000002\)"):
        run(path)
    assert counts() == (0, 0)


def test_city_option_assigns_the_plans_to_that_city(grid, tmp_path):
    # mostly in O (x 3000…3900), partly in C (x 1800…2000); the file names no AGS
    path = write(tmp_path / "bp.gml", Plan(polygons=[rect(1800, 100, 3900, 900)]))

    assert "dry run" in run(path, "--city", C_AGS, "--dry-run")
    assert counts() == (0, 0)
    run(path)
    assert DevelopmentPlan.objects.get().city == grid[O_AGS]  # by its largest part
    run(path, "--city", C_AGS)
    assert DevelopmentPlan.objects.get(city=grid[C_AGS]).number == "042"


def test_city_option_refuses_a_plan_outside_that_city(grid, tmp_path):
    path = write(tmp_path / "bp.gml", Plan(polygons=[rect(3100, 100, 3900, 900)]))
    with pytest.raises(CommandError, match=r"lies outside its city Stadt \(AGS 08000001\)"):
        run(path, "--city", C_AGS)
    assert counts() == (0, 0)


def test_a_reimport_leaves_equal_plans_alone_and_updates_changed_ones(grid, tmp_path):
    first = write(tmp_path / "v1.gml", Plan(number="7", status="2000", in_force=None))
    run(first)
    plan = DevelopmentPlan.objects.get()
    pk, stamp = plan.pk, plan.updated_at

    assert "created 0, updated 0, unchanged 1" in run(first)
    assert DevelopmentPlan.objects.get().updated_at == stamp

    changed = write(tmp_path / "v2.gml", Plan(number="7", status="4000", polygons=[rect(100, 100, 900, 900)]))
    assert "created 0, updated 1, unchanged 0" in run(changed)
    plan = DevelopmentPlan.objects.get()
    assert plan.pk == pk and plan.updated_at > stamp  # the same row, updated
    assert (plan.legal_status_label, plan.source_file) == ("In Kraft getreten", "v2.gml")
    assert shares(plan) == {"A": 1.0, C_AGS: 1.0, "R": 1.0}  # the links follow the new area


def test_prune_deletes_the_plans_of_the_files_cities_and_kinds_that_they_no_longer_hold(grid, tmp_path):
    """A city's plan inventory exported again without a withdrawn plan: ``--prune`` deletes it, with its
    links; its other kind and the other city's plans stay. ``--dry-run`` names it and deletes nothing."""
    full = write(
        tmp_path / "all.gml",
        Plan(number="1", polygons=[rect(100, 100, 900, 900)], ags=C_AGS),
        Plan(number="2", polygons=[rect(1100, 100, 1900, 900)], ags=C_AGS),
        Plan(kind="FP", number="F", polygons=[rect(0, 0, 2000, 1000)], ags=C_AGS),
        Plan(number="9", polygons=[rect(3100, 100, 3900, 900)], ags=O_AGS),
    )
    run(full)
    withdrawn = DevelopmentPlan.objects.get(kind="BP", number="2")
    assert DevelopmentPlanArea.objects.filter(plan=withdrawn).exists()
    without_2 = write(tmp_path / "bp.gml", Plan(number="1", polygons=[rect(100, 100, 900, 900)], ags=C_AGS))

    assert "deleted" not in run(without_2)  # without --prune nothing goes
    assert DevelopmentPlan.objects.count() == 4
    report = run(without_2, "--prune", "--dry-run")
    assert f"unchanged 1, deleted 1: BP 2 (AGS {C_AGS}) (dry run: nothing stored)" in report
    assert DevelopmentPlan.objects.count() == 4

    assert f"deleted 1: BP 2 (AGS {C_AGS})" in run(without_2, "--prune")
    remaining = sorted(DevelopmentPlan.objects.values_list("kind", "number", "city__code"))
    assert remaining == [("BP", "1", C_AGS), ("BP", "9", O_AGS), ("FP", "F", C_AGS)]
    assert not DevelopmentPlanArea.objects.filter(plan_id=withdrawn.pk).exists()
    assert "deleted 0" in run(without_2, "--prune")


def test_a_refused_run_with_prune_deletes_nothing(grid, tmp_path):
    run(write(tmp_path / "all.gml", Plan(number="1", ags=C_AGS), Plan(number="2", ags=C_AGS)))
    bad = write(tmp_path / "bad.gml", Plan(number="1", ags=C_AGS), Plan(number="3", name="", ags=C_AGS))
    with pytest.raises(CommandError, match="has no xplan:name"):
        run(bad, "--prune")
    assert sorted(DevelopmentPlan.objects.values_list("number", flat=True)) == ["1", "2"]


def test_a_name_with_markup_is_stored_as_text(grid, tmp_path):
    path = write(tmp_path / "bp.gml", Plan(name="<script>alert(1)</script> {{ 6*7 }}"))
    run(path)
    assert DevelopmentPlan.objects.get().name == "<script>alert(1)</script> {{ 6*7 }}"


def test_the_import_writes_nothing_beside_the_file(grid, tmp_path):
    path = write(tmp_path / "bp.gml", Plan())
    run(path)
    assert [p.name for p in tmp_path.iterdir()] == ["bp.gml"]  # no .gfs left by GDAL


SELF_INTERSECTING = [
    [
        (500_100.0, 5_400_100.0),
        (500_900.0, 5_400_900.0),
        (500_900.0, 5_400_100.0),
        (500_100.0, 5_400_900.0),
        (500_100.0, 5_400_100.0),
    ]
]

BAD_FILES = {
    "not XML": ("<xplan:XPlanAuszug><unclosed>", "not well-formed XML"),
    "other GML": (
        '<?xml version="1.0"?><gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"/>',
        "not an XPlanGML document",
    ),
    "version 4.1": (document(Plan(), version="4.1"), "XPlanGML 4.1 is not supported"),
    "version 7.0": (document(Plan(), version="7.0"), "XPlanGML 7.0 is not supported"),
    "no plan": (document(version="5.4"), "holds no BP_Plan or FP_Plan"),
    "no area": (document(Plan(polygons=None)), "has no raeumlicherGeltungsbereich"),
    "self-intersection": (
        document(Plan(polygons=[SELF_INTERSECTING])),
        "invalid geometry: Self-intersection",
    ),
    "outside every city": (document(Plan(polygons=[rect(5000, 5000, 6000, 6000)])), "lies in no city"),
    "unknown CRS": (document(Plan(srs="urn:x:my-own-crs")), "srsName 'urn:x:my-own-crs' is not supported"),
    "geographic CRS": (document(Plan(srs="EPSG:4326")), "srsName 'EPSG:4326' is not supported"),
    "no number": (document(Plan(number=None)), "has no xplan:nummer"),
    "unknown status": (document(Plan(status="4711")), "rechtsstand 4711 is not a code of BP_Rechtsstand"),
    "bad date": (document(Plan(in_force="15.07.2021")), "inkrafttretensDatum '15.07.2021' is not a date"),
    "same number twice": (document(Plan(), Plan()), "occurs more than once"),
    "entities": (
        document(Plan(name="&x;"), prolog='<!DOCTYPE x [<!ENTITY x "boom">]>\n'),
        "declares a DOCTYPE",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_stored(grid, tmp_path, case):
    text, reason = BAD_FILES[case]
    good = write(tmp_path / "good.gml", Plan(number="99"))
    bad = tmp_path / "bad.gml"
    bad.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError) as refused:
        run(good, bad)  # the good file first: it must not be stored either

    assert reason in str(refused.value)
    assert "bad.gml" in str(refused.value)
    assert counts() == (0, 0)


def test_a_missing_file_is_refused(grid, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.gml")


def test_an_unknown_city_option_is_refused(grid, tmp_path):
    with pytest.raises(CommandError, match="no city with that AGS"):
        run(write(tmp_path / "bp.gml", Plan()), "--city", "09999999")
    assert counts() == (0, 0)
