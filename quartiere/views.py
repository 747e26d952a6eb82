from django.conf import settings
from django.shortcuts import render

from quartiere.models import Area, Level
from quartiere.selectors import area_extent, home_city


def overview(request):
    """``/``: the city overview map (Leaflet, vendored) with the Quartiere."""
    city = home_city()
    return render(
        request,
        "quartiere/overview.html",
        {
            "city": city,
            # the same profiles without the map: one link per Quartier (/quartiere/<slug>/)
            "quartiere": list(
                Area.objects.filter(level=Level.QUARTIER, parent=city).defer("geom").order_by("name")
            )
            if city
            else [],
            "map_config": {
                "areasUrl": "/api/areas/?level=quartier&limit=1000" + (f"&parent={city.id}" if city else ""),
                "basemapUrl": settings.BASEMAP_URL,
                "basemapAttribution": settings.BASEMAP_ATTRIBUTION,
                # where the map starts while the Quartiere load (None: no city, the whole world)
                "view": area_extent(area_id=city.id) if city else None,
            },
        },
    )
