from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from quartiere.addresses import AddressFields, address_import_file
from quartiere.models import Level
from quartiere.services import area_import_file

DEMO = Path(settings.BASE_DIR) / "fixtures" / "ludwigsburg"
DEMO_ADDRESS_FIELDS = AddressFields(
    street="street", number="number", postcode="postcode", place="place", ref="id", x="lon", y="lat"
)


def load_demo_places(*, addresses: bool = True) -> list[tuple[str, object]]:
    """The demo's region, city and Quartiere, then (with ``addresses``) its illustrative addresses for
    the place search (fixtures/ludwigsburg/build_addresses.py); (name, import summary) of each."""
    done: list[tuple[str, object]] = []
    for level, name in ((Level.REGION, "region"), (Level.CITY, "city"), (Level.QUARTIER, "quartiere")):
        summary = area_import_file(
            DEMO / f"{name}.geojson",
            level=level,
            code_field="code",
            name_field="name",
            population_field="population",
            progress=False,
        )
        done.append((name, summary))
    if addresses:
        addresses_csv = DEMO / "addresses.csv"
        imported = address_import_file(addresses_csv, fields=DEMO_ADDRESS_FIELDS, source="demo", srid=4326)
        done.append(("addresses", imported))
    return done


class Command(BaseCommand):
    help = "Load the illustrative Ludwigsburg demo through the same import code users run; idempotent."

    def handle(self, *args, **options) -> None:
        for name, summary in load_demo_places():
            self.stdout.write(f"{name}: {summary}")
        # later apps add their part of the demo (measures, participation, planning)
        for config in apps.get_app_configs():
            loader = getattr(config, "load_demo", None)
            if loader is not None:
                self.stdout.write(f"{config.label}: {loader(DEMO)}")
        self.stdout.write(self.style.SUCCESS("Ludwigsburg demo loaded (illustrative data)"))
