from contextlib import ExitStack
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from quartiere.addresses import AddressFields, address_import_file
from quartiere.models import Level
from quartiere.services import area_import_file

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO = FIXTURES / "ludwigsburg"
REGION = FIXTURES / "region-stuttgart"
REGION_CODE = "VRS"
# the illustrative Quartiere of the demo's cities (each a partition of the city's official outline)
DEMO_QUARTIERE = (DEMO / "quartiere.geojson", FIXTURES / "kornwestheim" / "quartiere.geojson")
DEMO_ADDRESS_FIELDS = AddressFields(
    street="street", number="number", postcode="postcode", place="place", ref="id", x="lon", y="lat"
)


def load_demo_places(*, addresses: bool = True) -> list[tuple[str, object]]:
    """The demo's areas: the official outline of Verband Region Stuttgart (code VRS) and its 179
    municipalities as cities (code = AGS; BKG VG250-EW, fixtures/region-stuttgart), the illustrative
    Quartiere of Ludwigsburg and Kornwestheim, then (with ``addresses``) the illustrative addresses
    for the place search (fixtures/ludwigsburg/build_addresses.py); (name, import summary) of each."""
    done: list[tuple[str, object]] = [
        (
            "region",
            area_import_file(
                REGION / "region_stuttgart.geojson",
                level=Level.REGION,
                code_field=None,
                code=REGION_CODE,
                name_field="name",
                population_field="pop",
                progress=False,
            ),
        ),
        (
            "cities",
            area_import_file(
                REGION / "region_stuttgart_gemeinden.geojson",
                level=Level.CITY,
                code_field="ags",
                name_field="name",
                population_field="pop",
                parent_code=REGION_CODE,
                progress=False,
            ),
        ),
    ]
    for path in DEMO_QUARTIERE:
        summary = area_import_file(
            path,
            level=Level.QUARTIER,
            code_field="code",
            name_field="name",
            population_field="population",
            progress=False,
        )
        done.append((f"quartiere ({path.parent.name})", summary))
    if addresses:
        addresses_csv = DEMO / "addresses.csv"
        imported = address_import_file(addresses_csv, fields=DEMO_ADDRESS_FIELDS, source="demo", srid=4326)
        done.append(("addresses", imported))
    return done


class Command(BaseCommand):
    help = (
        "Load the demo (official boundaries of Verband Region Stuttgart, illustrative Quartiere and "
        "measures) through the same import code users run; idempotent."
    )

    def handle(self, *args, **options) -> None:
        with ExitStack() as stack:
            # an app may wrap the whole load (planning: one refresh of its snapshot at the end)
            for config in apps.get_app_configs():
                context = getattr(config, "demo_context", None)
                if context is not None:
                    stack.enter_context(context())
            for name, summary in load_demo_places():
                self.stdout.write(f"{name}: {summary}")
            # later apps add their part of the demo (measures, participation, planning)
            for config in apps.get_app_configs():
                loader = getattr(config, "load_demo", None)
                if loader is not None:
                    self.stdout.write(f"{config.label}: {loader(DEMO)}")
        self.stdout.write(self.style.SUCCESS("Demo loaded (official boundaries, illustrative data)"))
