"""The indicators in the planners' back office, ``/planung/indikatoren/``: the catalogue (with the
number of values and their years), creating and editing an indicator, and uploading a file of values
with the options of ``manage.py import_indicators``: a preview that lists every invalid row and what
would be written (nothing is), then the import. Staff tied to cities import values only for the areas
of their cities (indicators.services says which rows it refuses)."""

import dataclasses
import secrets
import tempfile
from pathlib import Path

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from geo.permissions import is_planner
from geo.sql import load
from indicators import services
from indicators.backoffice.forms import IndicatorForm, UploadForm
from indicators.importing import ImportOptions, ImportRejected
from indicators.models import Indicator
from staff.backoffice import office_context, staff_page
from staff.scope import cities_of, tied_to_a_city

planner_page = staff_page(is_planner, gettext_lazy("The indicators are kept by the planners' group."))
UPLOADS = Path(tempfile.gettempdir()) / "quartiersatlas-indicator-uploads"
SALT = "indicators.upload"
UPLOAD_MAX_AGE = 3600  # seconds between the preview and the import


def _catalogue() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(load(__file__, "office_catalogue"))
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@planner_page
def indicator_list(request):
    """``/planung/indikatoren/``: every indicator with its number of values and years."""
    ok = request.GET.get("ok", "")
    return render(
        request,
        "indicators/backoffice/list.html",
        {
            **office_context(request, "indicators"),
            "indicators": _catalogue(),
            "done": Indicator.objects.filter(key=ok[:60]).first() if ok else None,
            # the catalogue serves every city: staff tied to a city do not change it (staff.scope)
            "shared_editable": not tied_to_a_city(request.user),
        },
    )


def _form_page(request, form, *, heading: str, indicator=None, status: int = 200):
    form.mark()
    return render(
        request,
        "indicators/backoffice/form.html",
        {**office_context(request, "indicators"), "form": form, "heading": heading, "indicator": indicator},
        status=status,
    )


@planner_page
def indicator_new(request):
    heading = _("New indicator")
    if request.method != "POST":
        return _form_page(request, IndicatorForm(), heading=heading)
    form = IndicatorForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, heading=heading, status=400)
    try:
        indicator = services.indicator_create(user=request.user, **form.service_values())
    except ValidationError as error:
        form.add_service_errors(error)
        return _form_page(request, form, heading=heading, status=getattr(error, "status", 400))
    return redirect(reverse("indicators_office:list") + f"?ok={indicator.key}")


@planner_page
def indicator_edit(request, key: str):
    indicator = get_object_or_404(Indicator, key=key)
    heading = _("Indicator “%(key)s”") % {"key": indicator.key}
    if request.method != "POST":
        initial = {name: getattr(indicator, name) for name in services.INDICATOR_FIELDS}
        return _form_page(
            request, IndicatorForm(initial=initial, editing=True), heading=heading, indicator=indicator
        )
    form = IndicatorForm(request.POST, editing=True)
    if not form.is_valid():
        return _form_page(request, form, heading=heading, indicator=indicator, status=400)
    try:
        services.indicator_update(user=request.user, indicator_id=indicator.pk, **form.service_values())
    except ValidationError as error:
        form.add_service_errors(error)
        return _form_page(
            request, form, heading=heading, indicator=indicator, status=getattr(error, "status", 400)
        )
    return redirect(reverse("indicators_office:list") + f"?ok={indicator.key}")


def _upload_page(request, form, *, status: int = 200, **extra):
    form.mark()
    scoped = cities_of(request.user) is not None
    return render(
        request,
        "indicators/backoffice/upload.html",
        {**office_context(request, "indicators"), "form": form, "scoped": scoped, **extra},
        status=status,
    )


def _keep(upload) -> str:
    """Keep the uploaded file for the import after the preview; its name (a random token)."""
    UPLOADS.mkdir(mode=0o700, exist_ok=True)
    suffix = Path(upload.name).suffix.lower()
    name = secrets.token_urlsafe(24) + suffix
    with (UPLOADS / name).open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


@planner_page
def upload(request):
    """``/planung/indikatoren/hochladen/``: the form; POSTed, the preview (nothing is written)."""
    if request.method != "POST":
        return _upload_page(request, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    name = _keep(form.cleaned_data["file"])
    options = form.options()
    skip = form.cleaned_data["skip_invalid"]
    try:
        summary = services.values_import(
            user=request.user, path=UPLOADS / name, options=options, skip_invalid=skip, dry_run=True
        )
    except ImportRejected as error:
        (UPLOADS / name).unlink(missing_ok=True)
        form.add_error(None, error.message)
        return _upload_page(request, form, status=400)
    except ValidationError as error:
        (UPLOADS / name).unlink(missing_ok=True)
        form.add_service_errors(error)
        return _upload_page(request, form, status=getattr(error, "status", 400))
    importable = summary.problem_count == 0 or skip
    token = signing.dumps(
        {"file": name, "options": dataclasses.asdict(options), "skip": skip, "user": request.user.pk},
        salt=SALT,
    )
    if not importable:
        (UPLOADS / name).unlink(missing_ok=True)
    return _upload_page(
        request,
        form,
        status=200 if importable else 400,
        summary=summary,
        token=token if importable else None,
        filename=form.cleaned_data["file"].name,
    )


@planner_page
@require_POST
def upload_import(request):
    """Import the previewed file (the token names it and the options; it expires after an hour)."""
    try:
        ticket = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=UPLOAD_MAX_AGE)
    except signing.BadSignature:
        ticket = None
    path = UPLOADS / ticket["file"] if ticket and ticket.get("user") == request.user.pk else None
    if path is None or not path.is_file():
        message = _("This upload has expired or was imported already; upload the file again.")
        return _upload_page(request, UploadForm(), status=400, refusal=message)
    try:
        summary = services.values_import(
            user=request.user,
            path=path,
            options=ImportOptions(**ticket["options"]),
            skip_invalid=ticket["skip"],
        )
    except ImportRejected as error:
        return _upload_page(
            request,
            UploadForm(),
            status=400,
            refusal=error.message,
            problems=error.problems,
            problem_count=error.count,
        )
    finally:
        path.unlink(missing_ok=True)
    return _upload_page(request, UploadForm(), imported=summary)
