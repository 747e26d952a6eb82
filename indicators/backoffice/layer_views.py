"""Reference layers and spatial indicators in the planners' back office, ``/planung/indikatoren/ebenen/``:
the list of layers and of the indicators computed from them; uploading a layer file (the options of
``manage.py import_layer``; errors beside the fields, nothing changed); defining a spatial indicator
(layer, method, distance, and the catalogue entry of a new indicator) or changing how one is
computed, with its computed values; recomputing. Pages over indicators.layer_import and
indicators.spatial; the role is the services' too."""

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from geo.crs import ALLOWED_SRIDS
from geo.permissions import is_planner
from indicators import layer_import, spatial
from indicators.models import (
    KEY_MAX,
    NAME_MAX,
    YEAR_MAX,
    YEAR_MIN,
    Direction,
    IndicatorValue,
    ReferenceLayer,
    SpatialIndicator,
    SpatialMethod,
)
from measures.backoffice.forms import OfficeForm
from measures.models import Dimension
from staff.backoffice import office_context, staff_page
from staff.scope import tied_to_a_city

planner_page = staff_page(is_planner, gettext_lazy("Reference layers are managed by the planners' group."))
SECTION = "indicators"


class LayerUploadForm(OfficeForm):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("GeoJSON, GeoPackage or a zipped Shapefile (.zip), at most 100 MB."),
    )
    name = forms.SlugField(
        label=gettext_lazy("Name (key)"),
        max_length=KEY_MAX,
        help_text=gettext_lazy(
            "Letters, digits, - and _. Uploading to an existing name replaces its features."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=NAME_MAX, required=False)
    year = forms.IntegerField(label=gettext_lazy("Year of the data"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)
    licence = forms.CharField(label=gettext_lazy("Licence"), max_length=200, required=False)
    attribution = forms.CharField(label=gettext_lazy("Attribution"), max_length=300, required=False)
    layer = forms.CharField(
        label=gettext_lazy("Layer in the file"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Only for files with several layers."),
    )
    id_field = forms.CharField(
        label=gettext_lazy("Id field"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Empty: the features' numbers in the file."),
    )
    s_srs = forms.TypedChoiceField(
        label=gettext_lazy("Coordinate reference system"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", gettext_lazy("as the file says"))]
        + [(code, f"EPSG:{code} – {name}") for code, name in ALLOWED_SRIDS.items()],
    )
    make_valid = forms.BooleanField(label=gettext_lazy("Repair invalid geometry"), required=False)
    illustrative = forms.BooleanField(label=gettext_lazy("Illustrative data"), required=False)


class SpatialForm(OfficeForm):
    layer = forms.ModelChoiceField(
        label=gettext_lazy("Reference layer"), queryset=ReferenceLayer.objects.all()
    )
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=SpatialMethod.choices)
    distance = forms.IntegerField(
        label=gettext_lazy("Distance (m)"),
        required=False,
        min_value=1,
        max_value=spatial.MAX_DISTANCE,
        help_text=gettext_lazy("Only for the share of the area within a distance of a feature."),
    )


class SpatialNewForm(SpatialForm):
    key = forms.SlugField(label=gettext_lazy("Key"), max_length=KEY_MAX)
    name_de = forms.CharField(label=gettext_lazy("Name (German)"), max_length=NAME_MAX)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=NAME_MAX)
    unit = forms.CharField(label=gettext_lazy("Unit of measurement"), max_length=50)
    dimension = forms.ChoiceField(label=gettext_lazy("Dimension"), choices=Dimension.choices)
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=Direction.choices)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    source = forms.CharField(label=gettext_lazy("Source"), max_length=300, required=False)
    licence = forms.CharField(label=gettext_lazy("Licence"), max_length=200, required=False)
    illustrative = forms.BooleanField(label=gettext_lazy("Illustrative data"), required=False)


@planner_page
def layer_list(request):
    """The reference layers and the spatial indicators computed from them."""
    return render(
        request,
        "indicators/layers/layer_list.html",
        {
            **office_context(request, SECTION),
            "layers": ReferenceLayer.objects.order_by("title", "name"),
            "indicators": SpatialIndicator.objects.select_related("indicator", "layer")
            .annotate(n_values=Count("indicator__values"))
            .order_by("indicator__key"),
            "done": request.GET.get("ok", "")[:KEY_MAX],
            "shared_editable": not tied_to_a_city(request.user),
        },
    )


# what an uploaded file must begin with, by its extension (GDAL then reads it by content)
MAGIC = {".geojson": (b"{",), ".json": (b"{",), ".gpkg": (b"SQLite format 3\x00",), ".zip": (b"PK\x03\x04",)}
UPLOAD_MAX = 100 * 1024 * 1024


def _upload_page(request, form: LayerUploadForm, *, problems=(), status: int = 200) -> HttpResponse:
    form.mark()
    return render(
        request,
        "indicators/layers/layer_upload.html",
        {**office_context(request, SECTION), "form": form, "problems": list(problems)},
        status=status,
    )


def _import_upload(request, form: LayerUploadForm) -> layer_import.LayerImportSummary:
    """Write the upload to a temporary directory and import it (a zipped Shapefile through /vsizip/)."""
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in MAGIC:
        raise layer_import.LayerRejected(_("Upload a .geojson, .json, .gpkg or .zip file."))
    if upload.size > UPLOAD_MAX:
        raise layer_import.LayerRejected(_("The file is larger than 100 MB."))
    head = upload.read(32).lstrip()
    upload.seek(0)
    if not any(head.startswith(magic) for magic in MAGIC[suffix]):
        raise layer_import.LayerRejected(_("The file's content does not match its extension."))
    data = form.cleaned_data
    meta = layer_import.LayerMeta(
        name=data["name"],
        title=data["title"],
        year=data["year"],
        source=data["source"],
        licence=data["licence"],
        attribution=data["attribution"],
        illustrative=data["illustrative"],
    )
    with tempfile.TemporaryDirectory(prefix="layer-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        if suffix in (".geojson", ".json"):
            layer_import.check_geojson_crs(path)
        source = f"/vsizip/{path}" if suffix == ".zip" else path
        return layer_import.import_layer(
            source,
            meta,
            user=request.user,
            layer=data["layer"] or None,
            source_srid=data["s_srs"],
            id_field=data["id_field"] or None,
            make_valid=data["make_valid"],
            progress=False,
        )


@planner_page
def layer_upload(request):
    """Upload a layer file: imported in one transaction; on any error nothing changes."""
    if request.method != "POST":
        return _upload_page(request, LayerUploadForm(initial={"year": 2024}))
    form = LayerUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    try:
        summary = _import_upload(request, form)
    except layer_import.LayerRejected as error:
        form.add_service_errors(error)
        return _upload_page(request, form, problems=error.problems, status=error.status)
    except ValidationError as error:
        form.add_service_errors(error)
        return _upload_page(request, form, status=getattr(error, "status", 400))
    return redirect(reverse("indicators_office:layers") + f"?ok={summary.layer.name}")


def _spatial_page(request, form, *, spatial_indicator=None, status: int = 200) -> HttpResponse:
    form.mark()
    values = []
    if spatial_indicator is not None:
        values = list(
            IndicatorValue.objects.filter(indicator_id=spatial_indicator.indicator_id)
            .select_related("area")
            .order_by("area__level", "area__name")
        )
    return render(
        request,
        "indicators/layers/spatial_form.html",
        {
            **office_context(request, SECTION),
            "form": form,
            "spatial": spatial_indicator,
            "values": values,
        },
        status=status,
    )


def _spatial_values(data: dict[str, Any]) -> dict[str, Any]:
    values = dict(data)
    if values.get("method") != SpatialMethod.SHARE_WITHIN:
        values["distance"] = None
    return values


@planner_page
def spatial_new(request):
    """Define a spatial indicator: a new catalogue entry computed from a layer."""
    if request.method != "POST":
        return _spatial_page(request, SpatialNewForm(initial={"direction": Direction.LESS_NEED}))
    form = SpatialNewForm(request.POST)
    if not form.is_valid():
        return _spatial_page(request, form, status=400)
    try:
        created = spatial.define_spatial_indicator(user=request.user, **_spatial_values(form.cleaned_data))
    except ValidationError as error:
        form.add_service_errors(error)
        return _spatial_page(request, form, status=getattr(error, "status", 400))
    return redirect(reverse("indicators_office:spatial_edit", args=[created.indicator_id]) + "?ok=1")


@planner_page
def spatial_edit(request, pk: int):
    """Change how a spatial indicator is computed (pk: the indicator's id); its computed values."""
    found = get_object_or_404(SpatialIndicator.objects.select_related("indicator", "layer"), indicator_id=pk)
    if request.method != "POST":
        initial = {"layer": found.layer_id, "method": found.method, "distance": found.distance}
        return _spatial_page(request, SpatialForm(initial=initial), spatial_indicator=found)
    form = SpatialForm(request.POST)
    if not form.is_valid():
        return _spatial_page(request, form, spatial_indicator=found, status=400)
    try:
        spatial.update_spatial_indicator(found, user=request.user, **_spatial_values(form.cleaned_data))
    except ValidationError as error:
        form.add_service_errors(error)
        return _spatial_page(request, form, spatial_indicator=found, status=getattr(error, "status", 400))
    return redirect(reverse("indicators_office:spatial_edit", args=[pk]) + "?ok=1")


@planner_page
@require_POST
def spatial_recompute(request, pk: int):
    found = get_object_or_404(SpatialIndicator.objects.select_related("layer"), indicator_id=pk)
    spatial.recompute(found, user=request.user)
    return redirect(reverse("indicators_office:spatial_edit", args=[pk]) + "?ok=1")
